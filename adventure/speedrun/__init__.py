"""Timed runs: the speedrun session with its clocks and splits, replay files and their
verification, personal bests. Builds on `adventure.play`."""
