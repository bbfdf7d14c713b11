"""The data stage: misalignment datasets for 11 domains, validation and statistics."""
