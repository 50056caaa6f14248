"""The pure core: the world model, the expression language, text, the PRNG and the engine.

Nothing here reads a file, prints or keeps time, and nothing here imports from the rest of the
package: `step(world, state, choice)` is a function of its arguments.
"""
