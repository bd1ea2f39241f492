"""The fake Stripe for the Stripe stage's asset."""

from tests.billbo.stripe.conftest import api_key
from tests.stripe_fake import fixtures

fake_stripe_server = fixtures.fake_stripe_server
fake_stripe = fixtures.fake_stripe
__all__ = ["api_key", "fake_stripe", "fake_stripe_server"]
