"""Statistics services used by the stages: diversity, tests, rates."""
