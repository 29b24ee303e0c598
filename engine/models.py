"""Autoencoder and variational autoencoder: an encoder MLP and a decoder MLP sharing one flat buffer.

The decoder ends in a sigmoid (images live in [0, 1]); its last Dense layer produces logits and the
loss works on them (see `engine.nn.losses`). `encode` and `decode` work on any input, trained or not,
and never touch the caches that training uses, so the window can decode a click at any moment.

`loss_and_grad` runs in work arrays made once per batch size, replaying the forward and backward
calls recorded with them (see `engine.nn.layers` and `engine.nn.tape`); what it returns is freshly
allocated, so a caller may keep it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from engine.blas import blas_threads_for, worth_splitting
from engine.nn.activations import check_activation, sigmoid
from engine.nn.losses import LOSS_FUNCTIONS, LOSS_STEPS, check_loss
from engine.nn.mlp import MLP
from engine.nn.optimizers import SGD
from engine.nn.split import Pair, halves, share_out
from engine.nn.tape import copyto, replay


class LossParts(NamedTuple):
    """The loss of one batch, averaged over its images: total = recon + beta * kl.

    A named tuple: one is made every training step, at half the cost of a frozen dataclass.
    """

    total: float
    recon: float
    kl: float = 0.0


class Autoencoder:
    """encoder: d -> hidden... -> latent (linear);  decoder: latent -> reversed(hidden)... -> d (sigmoid)."""

    kind = "ae"

    def __init__(
        self,
        n_inputs: int,
        hidden: Sequence[int] = (64, 32),
        latent: int = 2,
        activation: str = "tanh",
        loss: str = "bce",
        seed: int = 0,
        dtype: type = np.float32,
        params: np.ndarray | None = None,
    ) -> None:
        if n_inputs < 1 or latent < 1 or any(h < 1 for h in hidden):
            raise ValueError("layer sizes must be positive")
        self.n_inputs = int(n_inputs)
        self.hidden = tuple(int(h) for h in hidden)
        self.latent = int(latent)
        self.activation = check_activation(activation)
        self.loss = check_loss(loss)
        self.seed = int(seed)
        self.dtype = np.dtype(dtype)
        # The AE's encoder output is the decoder's input: it keeps the decoder's column of ones.
        self.encoder = MLP(
            (self.n_inputs, *self.hidden, self._encoder_outputs()),
            activation,
            augment_output=self.kind == "ae",
        )
        self.decoder = MLP((self.latent, *reversed(self.hidden), self.n_inputs), activation)
        self._work: dict[int, dict[str, Any]] = {}
        self._pair: Pair | None = None  # the second core's thread, for split steps
        size = self.encoder.size + self.decoder.size
        self.params = np.zeros(size, dtype=self.dtype)
        self.grads = np.zeros(size, dtype=self.dtype)
        self.decoder.bind(self.params, self.grads, self.encoder.bind(self.params, self.grads, 0))
        if params is not None:
            if np.shape(params) != self.params.shape:
                raise ValueError(f"expected {size} parameters, got {np.shape(params)}")
            self.params[...] = params
        else:
            rng = np.random.default_rng(self.seed)
            self.encoder.initialise(rng)
            self.decoder.initialise(rng)

    def _encoder_outputs(self) -> int:
        return self.latent

    # --- description ------------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        """Everything needed to rebuild this architecture (JSON-ready)."""
        return {
            "kind": self.kind,
            "n_inputs": self.n_inputs,
            "hidden": list(self.hidden),
            "latent": self.latent,
            "activation": self.activation,
            "loss": self.loss,
            "seed": self.seed,
        }

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        """Sizes from input through the bottleneck back to output, e.g. (35, 30, 20, 10, 2, 10, ...)."""
        return (*self.encoder.sizes[:-1], self.latent, *self.decoder.sizes[1:])

    def copy(self) -> Autoencoder:
        """An independent model with the same architecture and a copy of the weights."""
        return model_from_config(self.config(), dtype=self.dtype, params=self.params)

    # --- inference (no caches touched) -------------------------------------------------------
    def encode(self, images: np.ndarray) -> np.ndarray:
        """(n, d) -> latent codes (n, latent)."""
        return self.encoder.predict(self._as_batch(images, self.n_inputs))

    def decode_logits(self, codes: np.ndarray) -> np.ndarray:
        return self.decoder.predict(self._as_batch(codes, self.latent))

    def decode(self, codes: np.ndarray) -> np.ndarray:
        """(n, latent) -> images (n, d) in [0, 1]."""
        return sigmoid(self.decode_logits(codes))

    def reconstruct(self, images: np.ndarray) -> np.ndarray:
        """The deterministic round trip decode(encode(x)); (n, d) -> (n, d)."""
        return self.decode(self.encode(images))

    def evaluation_loss(
        self, images: np.ndarray, targets: np.ndarray
    ) -> tuple[LossParts, np.ndarray]:
        """The loss of the deterministic reconstruction, averaged per image, and that output (n, d)."""
        parts, output, _codes, _logvar = self.evaluation_pass(images, targets)
        return parts, output

    def evaluation_pass(
        self, images: np.ndarray, targets: np.ndarray
    ) -> tuple[LossParts, np.ndarray, np.ndarray, np.ndarray | None]:
        """`evaluation_loss` and the codes (n, latent) it decoded (mu, and a VAE's log-variance
        (n, latent); else None): a scored set's codes come with its score at no extra pass."""
        codes = self.encode(images)
        logits = self.decode_logits(codes)
        recon = float(
            LOSS_FUNCTIONS[self.loss](logits, self._as_batch(targets, self.n_inputs)).mean()
        )
        return LossParts(recon, recon), sigmoid(logits), codes, None

    def _as_batch(self, x: np.ndarray, width: int) -> np.ndarray:
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim == 1:
            x = x[None, :]
        if x.ndim != 2 or x.shape[1] != width:
            raise ValueError(f"expected an array of shape (n, {width}), got {x.shape}")
        return x

    # --- training ---------------------------------------------------------------------------
    def loss_and_grad(
        self,
        inputs: np.ndarray,
        targets: np.ndarray,
        rng: np.random.Generator | None = None,
        eps: np.ndarray | None = None,
    ) -> tuple[LossParts, np.ndarray]:
        """Loss of reconstructing `targets` from `inputs` and the output images (n, d); fills
        `self.grads` with the loss's gradient. uint8 `inputs` are pixels, k standing for k / 255
        (engine.data.dataset.unit_floats), made floats as they are loaded; `targets` may then be
        the same array.

        `rng` and `eps` are unused here (the VAE samples with them); the signature is shared so
        the training loop treats both models alike.
        """
        n = inputs.shape[0]
        work = self._work_for(n)
        logits = work["logits"]  # (n, d)
        output = np.empty(logits.shape, logits.dtype)
        if "shares" in work:
            total = self._split_step(work, inputs, targets, output)
        else:
            targets = self._load(work["x"], inputs, targets)
            replay(work["forward"])
            grad, scratch = work["grad"], work["work"]
            total = LOSS_STEPS[self.loss](logits, targets, output, grad, scratch, 1.0 / n)
            replay(work["backward"])
        loss = total / n
        return LossParts(loss, loss), output

    def train_step(
        self,
        inputs: np.ndarray,
        targets: np.ndarray,
        optimizer: SGD,
        rng: np.random.Generator | None = None,
    ) -> LossParts:
        """One training step: `loss_and_grad`, then `optimizer` updates every weight, unless
        the loss is not a finite number (the weights then stay as they were). A split step
        (engine.nn.split) updates each layer on the core that computed its gradient."""
        work = self._work_for(inputs.shape[0])
        if "shares" not in work:
            parts, _ = self.loss_and_grad(inputs, targets, rng=rng)
            if math.isfinite(parts.total):
                optimizer.step(self.params, self.grads)
            return parts
        loss = self._split_step(work, inputs, targets, work["output"], optimizer) / len(inputs)
        return LossParts(loss, loss)

    def _load(self, x: np.ndarray, inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """Copy `inputs` (n, d) into the work array `x` (n, d), as k / 255 if they are uint8
        pixels; returns the float targets (the loaded inputs when `targets` is `inputs`)."""
        if inputs.dtype != np.uint8:
            copyto(x, inputs)
            return targets
        np.divide(inputs, 255, out=x, dtype=self.dtype)  # as unit_floats rounds them
        return x if targets is inputs else targets

    def _split_step(
        self,
        work: dict[str, Any],
        inputs: np.ndarray,
        targets: np.ndarray,
        output: np.ndarray,
        optimizer: SGD | None = None,
    ) -> float:
        """`loss_and_grad`'s passes shared between two cores (engine.nn.split), loading the
        inputs included, and with an `optimizer` `train_step`'s update; returns the loss summed
        over the batch."""
        pair, loss_step = self._pair, LOSS_STEPS[self.loss]
        x, logits, grad, scratch = work["x"], work["logits"], work["grad"], work["work"]
        scale = 1.0 / logits.shape[0]
        totals = [0.0, 0.0]
        same = targets is inputs
        update = [False]

        def at_meeting() -> None:  # both losses are in: a finite one starts the update
            if optimizer is not None and math.isfinite(totals[0] + totals[1]):
                optimizer.start_step()
                update[0] = True

        def share(k: int) -> None:
            rows, (forward, backward, weights, parts) = work["rows"][k], work["shares"][k]
            mine = inputs[rows]
            wanted = self._load(x[rows], mine, mine if same else targets[rows])
            replay(forward)
            totals[k] = loss_step(
                logits[rows], wanted, output[rows], grad[rows], scratch[rows], scale
            )
            replay(backward)
            pair.meet()  # every row's dz is in place: the weight gradients sum over them
            replay(weights)
            if update[0]:  # the layers whose gradients this core just computed
                for part in parts:
                    optimizer.update(self.params, self.grads, part, k)

        with blas_threads_for(0):  # one BLAS thread in each of the two
            pair.run(lambda: share(0), lambda: share(1), at_meeting)
        return totals[0] + totals[1]

    def batch_codes(self, n: int) -> tuple[np.ndarray, np.ndarray | None]:
        """Views of the codes (n, latent) that the last `loss_and_grad` of a batch of n images
        computed: its inputs' codes under the weights before that step (a denoising run's inputs
        are its noisy copies), and a VAE's log-variance (n, latent) beside its mu (else None).
        Free: the forward pass made them; they live in work arrays that the next batch of n
        images overwrites, so copy what you keep."""
        return self._work[n]["z"], None

    def _work_for(self, n: int) -> dict[str, Any]:
        """Work arrays and recorded passes for batches of n images, made on first use."""
        work = self._work.get(n)
        if work is None:
            work = self._work[n] = self._make_work(n)
        return work

    def _make_work(self, n: int) -> dict[str, Any]:
        d = self.n_inputs
        xa = self.encoder.input_array(n)  # (n, d + 1): the inputs and a column of ones
        encode, za = self.encoder.forward_ops(xa)  # za (n, latent + 1): z, 1
        decode, logits = self.decoder.forward_ops(za)
        grad = np.empty((n, d), self.dtype)  # dL/d logits
        decode_back, dz = self.decoder.backward_ops(za, grad)
        encode_back, _ = self.encoder.backward_ops(xa, dz, input_grad=False)
        work = {
            "x": xa[:, :d],
            "z": za[:, : self.latent],  # (n, latent) the codes, beside the decoder's ones
            "forward": encode + decode,
            "logits": logits,
            "grad": grad,
            "work": np.empty((n, d), self.dtype),
            "backward": decode_back + encode_back,
        }
        if worth_splitting(n, self.params.size):
            work["rows"] = halves(n)
            work["output"] = np.empty((n, d), self.dtype)  # train_step's images, not kept
            layers = self.decoder.weight_grad_ops(za, grad) + self.encoder.weight_grad_ops(xa, dz)
            weights = share_out([(layer.size, (layer, op)) for layer, op in layers])
            work["shares"] = [
                (
                    self.encoder.forward_ops(xa, rows)[0] + self.decoder.forward_ops(za, rows)[0],
                    self.decoder.backward_ops(za, grad, True, rows, weight_grads=False)[0]
                    + self.encoder.backward_ops(xa, dz, False, rows, weight_grads=False)[0],
                    [op for _, op in weights[k]],
                    [layer.part for layer, _ in weights[k]],
                )
                for k, rows in enumerate(work["rows"])
            ]
            if self._pair is None:
                self._pair = Pair()
        return work


class VariationalAutoencoder(Autoencoder):
    """The encoder gives mu and log-variance; z = mu + sigma * eps; loss = recon + beta * KL.

    KL(N(mu, sigma^2) || N(0, 1)) = -1/2 sum(1 + logvar - mu^2 - exp(logvar)) per image. The
    reparametrization gradients are written out in `loss_and_grad`.

    Free bits (Kingma et al. 2016): with `free_bits` > 0 each latent axis is charged
    max(free_bits, its KL averaged over the batch), so an axis under the floor feels no pull
    towards the prior. On sets of near-identical glyphs the plain KL otherwise pushes one of two
    axes out of use and the latent plane decodes to one line of glyphs (issue 14).
    """

    kind = "vae"

    def __init__(
        self,
        n_inputs: int,
        hidden: Sequence[int] = (64, 32),
        latent: int = 2,
        activation: str = "tanh",
        loss: str = "bce",
        seed: int = 0,
        beta: float = 1.0,
        free_bits: float = 0.0,
        dtype: type = np.float32,
        params: np.ndarray | None = None,
    ) -> None:
        if not (np.isfinite(free_bits) and free_bits >= 0):
            raise ValueError(f"free bits must be a number >= 0, got {free_bits}")
        self.beta = float(beta)
        self.free_bits = float(free_bits)
        super().__init__(n_inputs, hidden, latent, activation, loss, seed, dtype, params)

    def _encoder_outputs(self) -> int:
        return 2 * self.latent

    def config(self) -> dict[str, Any]:
        return {**super().config(), "beta": self.beta, "free_bits": self.free_bits}

    def encode_distribution(self, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, d) -> mu (n, latent), log-variance (n, latent)."""
        h = self.encoder.predict(self._as_batch(images, self.n_inputs))  # (n, 2 latent)
        return h[:, : self.latent], h[:, self.latent :]

    def encode(self, images: np.ndarray) -> np.ndarray:
        """The mean code mu: where an image sits on the latent plane."""
        return self.encode_distribution(images)[0]

    def evaluation_pass(
        self, images: np.ndarray, targets: np.ndarray
    ) -> tuple[LossParts, np.ndarray, np.ndarray, np.ndarray | None]:
        """Reconstruction from mu plus beta * KL, averaged per image (no sampling: repeatable)."""
        mu, logvar = self.encode_distribution(images)
        logits = self.decode_logits(mu)
        recon = float(
            LOSS_FUNCTIONS[self.loss](logits, self._as_batch(targets, self.n_inputs)).mean()
        )
        kl = float(kl_divergence(mu, logvar).mean())
        charged = kl
        if self.free_bits > 0:
            charged = float(np.maximum(kl_per_axis(mu, logvar), self.free_bits).sum())
        return LossParts(recon + self.beta * charged, recon, kl), sigmoid(logits), mu, logvar

    def loss_and_grad(
        self,
        inputs: np.ndarray,
        targets: np.ndarray,
        rng: np.random.Generator | None = None,
        eps: np.ndarray | None = None,
    ) -> tuple[LossParts, np.ndarray]:
        """One sampled forward and backward pass; `eps` (n, latent) fixes the noise (gradient checks)."""
        n, L = inputs.shape[0], self.latent
        w = self._work_for(n)
        targets = self._load(w["x"], inputs, targets)
        replay(w["encode"])
        h = w["h"]  # (n, 2L)
        mu, logvar = h[:, :L], h[:, L:]
        if eps is None:
            if rng is None:
                raise ValueError("a VAE step needs an rng or a fixed eps")
            eps = w["eps"]
            # Drawn in float64 and rounded, as always: a seed gives the same noise in any dtype.
            rng.standard_normal(out=w["eps64"])
            copyto(eps, w["eps64"])
        sigma, noise, var_m1 = w["sigma"], w["noise"], w["var_m1"]
        np.multiply(logvar, 0.5, out=sigma)
        np.exp(sigma, out=sigma)  # sigma = exp(logvar / 2)  (n, L)
        np.multiply(sigma, eps, out=noise)  # sigma * eps
        np.add(mu, noise, out=w["z"])  # z = mu + sigma * eps, beside the decoder's ones
        replay(w["decode"])
        logits = w["logits"]  # (n, d)
        output = np.empty(logits.shape, logits.dtype)
        recon = LOSS_STEPS[self.loss](logits, targets, output, w["grad"], w["work"], 1.0 / n)
        # KL summed over the batch: 1/2 sum(mu^2 + (sigma^2 - 1) - logvar), each term >= 0.
        kl_terms = w["kl"]
        np.multiply(sigma, sigma, out=var_m1)
        var_m1 -= 1.0  # sigma^2 - 1
        np.multiply(mu, mu, out=kl_terms)
        kl_terms += var_m1
        kl_terms -= logvar
        kl = 0.5 * float(np.add.reduce(kl_terms, axis=None))
        charged, free, mu_kl = kl, None, mu
        if self.free_bits > 0:
            # Free bits: an axis whose mean KL is under the floor is charged the floor and gets
            # no KL gradient, so the prior cannot push an axis out of use.
            kl_axes = np.add.reduce(kl_terms, axis=0) * (0.5 / n)  # (L,) mean KL of each axis
            free = kl_axes < self.free_bits  # (L,)
            charged = float(np.maximum(kl_axes, self.free_bits).sum()) * n
            mu_kl = np.where(free, 0.0, mu)  # (n, L)
        replay(w["decode_back"])
        dz = w["dz"]  # (n, L)
        scale = self.beta / n
        # dz/dmu = 1, dz/dlogvar = eps * sigma / 2;  dKL/dmu = mu, dKL/dlogvar = (exp(logvar) - 1) / 2
        dh = w["dh"]  # (n, 2L)
        dmu, dlogvar = dh[:, :L], dh[:, L:]
        np.multiply(mu_kl, scale, out=dmu)
        dmu += dz
        np.multiply(dz, noise, out=dlogvar)
        var_m1 *= scale
        if free is not None:
            var_m1[:, free] = 0.0
        dlogvar += var_m1
        dlogvar *= 0.5
        replay(w["encode_back"])
        recon_mean, kl_mean = recon / n, kl / n
        return LossParts(recon_mean + self.beta * charged / n, recon_mean, kl_mean), output

    def batch_codes(self, n: int) -> tuple[np.ndarray, np.ndarray | None]:
        """The last batch's mu and log-variance (n, latent), views of its work arrays."""
        h = self._work[n]["h"]  # (n, 2L)
        return h[:, : self.latent], h[:, self.latent :]

    def _make_work(self, n: int) -> dict[str, Any]:
        L, d, dtype = self.latent, self.n_inputs, self.dtype
        xa = self.encoder.input_array(n)  # (n, d + 1): the inputs and a column of ones
        encode, h = self.encoder.forward_ops(xa)  # h (n, 2L): mu, log-variance
        za = np.ones((n, L + 1), dtype)  # z and the decoder's column of ones
        decode, logits = self.decoder.forward_ops(za)
        grad = np.empty((n, d), dtype)  # dL/d logits
        decode_back, dz = self.decoder.backward_ops(za, grad)
        dh = np.empty((n, 2 * L), dtype)  # dL/dh
        encode_back, _ = self.encoder.backward_ops(xa, dh, input_grad=False)
        work = {
            "x": xa[:, :d],
            "encode": encode,
            "h": h,
            "z": za[:, :L],
            "decode": decode,
            "logits": logits,
            "grad": grad,
            "work": np.empty((n, d), dtype),
            "decode_back": decode_back,
            "dz": dz,
            "dh": dh,
            "encode_back": encode_back,
            "eps64": np.empty((n, L)),
        }
        for key in ("eps", "sigma", "noise", "var_m1", "kl"):
            work[key] = np.empty((n, L), dtype)
        return work


def kl_divergence(mu: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    """KL(N(mu, exp(logvar)) || N(0, I)) per row.  (n, L) -> (n,)"""
    return -0.5 * (1.0 + logvar - mu * mu - np.exp(logvar)).sum(axis=1)


def kl_per_axis(mu: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    """KL(N(mu, exp(logvar)) || N(0, 1)) of each latent axis, averaged over the rows.
    (n, L), (n, L) -> (L,) nats"""
    return -0.5 * (1.0 + logvar - mu * mu - np.exp(logvar)).mean(axis=0)


MODELS: dict[str, type[Autoencoder]] = {"ae": Autoencoder, "vae": VariationalAutoencoder}


def model_from_config(
    config: dict[str, Any], dtype: type = np.float32, params: np.ndarray | None = None
) -> Autoencoder:
    """Rebuild a model from `Autoencoder.config()`: with `params` copied in, else initialised."""
    cfg = dict(config)
    kind = cfg.pop("kind", None)
    if kind not in MODELS:
        raise ValueError(f"unknown model kind {kind!r}; choose one of {', '.join(MODELS)}")
    return MODELS[kind](**cfg, dtype=dtype, params=params)
