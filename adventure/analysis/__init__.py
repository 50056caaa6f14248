"""What can be proved about a world: exploration of its states, findings for `check`, shortest
routes, statistics. Imports `adventure.core` and `adventure.world`, never a front end."""
