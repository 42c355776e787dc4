"""A module for the isolation tests to preload: whether a worker has it tells how it started."""
