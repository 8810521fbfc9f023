"""Releasing: moving traffic (shift, promote, rollback), reading what is live, summarizing plans."""
