"""The centre tabs: latent plane with its generator canvas, reconstructions, denoising, PCA,
sweeps, interpolation, the VAE panel and the runs table. Each listens to the run controller.

May import: `gui.plots`, `gui.run`, `gui.data`, `gui.widgets`.
"""
