"""Small Qt building blocks with no knowledge of glyphs or runs: a flowing layout, a rate limiter,
the message bar, file dialogs and settings inputs.

May import: nothing else from `gui`.
"""
