"""For programs and agents: the Gymnasium-style environment and the JSON-lines server."""
