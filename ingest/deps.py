"""What an ingest route may ask for, besides the shared ``billbo.http.deps``: the ingest state
(key cache, rate limits, insert batcher) and the merchant behind the request's API key."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from ingest.auth import Merchant, authenticate
from ingest.state import IngestState


def ingest_state(app: FastAPI) -> IngestState:
    """The state the lifespan built; the ASGI fast path reads it here too."""
    state: IngestState = app.state.ingest
    return state


def _ingest(request: Request) -> IngestState:
    return ingest_state(request.app)


Ingest = Annotated[IngestState, Depends(_ingest)]


async def current_merchant(request: Request, state: Ingest) -> Merchant:
    return await authenticate(state.keys, request.headers.get("authorization"))


CurrentMerchant = Annotated[Merchant, Depends(current_merchant)]
