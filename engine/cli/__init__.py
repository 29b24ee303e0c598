"""The headless command line (`main.py train|evaluate|generate|sweep`): parsing, commands and
the parts they share.

May import: any of `engine`; nothing in `engine` outside this package imports it.
"""
