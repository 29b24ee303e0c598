"""The built-in glyph sets as readable text (`.` and `#` rows), installed as the package
`autoencoder_lab_resources` (pyproject.toml maps this folder to that name) so that
`engine.data.datasets` reads them through importlib.resources, from a wheel as from the checkout.
"""
