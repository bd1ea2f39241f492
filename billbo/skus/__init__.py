"""SKUs and their versioned prices: what a merchant sells, and what it costs from which date."""
