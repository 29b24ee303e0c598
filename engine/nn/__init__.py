"""The network maths: activations, dense layers, losses, the MLP, optimizers, and the tape that
records a training pass once and replays it.

May import: nothing else from `engine`.
"""
