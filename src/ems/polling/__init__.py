"""Polling: station allocation for a poll, eligibility preview and sign-off, station packs, poll cards."""
