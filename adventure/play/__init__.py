"""Playing a world: the Game (undo and move log over the core), saves and the endings gallery,
the Session that turns typed lines into text, and the two front ends (terminal and plain)."""
