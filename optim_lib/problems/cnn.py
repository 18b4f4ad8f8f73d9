"""A small 1-D convolutional network in numpy, for the optimizer study on MNIST-1D.

conv (k taps, stride s₁) → ReLU → conv (k taps, stride s₂) → ReLU → average pooling by 2 →
linear → softmax cross-entropy. Written for a batch of B parameter vectors, each with its own
minibatch, so B trials or seeds train as one array computation (see :class:`MinibatchModel`).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .._checks import check_int
from .mlp import MinibatchModel, torch_default_init


class CNN1D(MinibatchModel):
    r"""conv–ReLU–conv–ReLU–pool–linear on signals of ``length`` samples (one input channel).

    Convolution as a matrix product on patches ("im2col"): the patches P₁ of the input, (k,)
    each, give z₁ = P₁ W₁ + b₁ with W₁ of shape (k, C₁); the patches P₂ of h₁ = ReLU(z₁), (k·C₁,)
    each (tap-major), give z₂ = P₂ W₂ + b₂ with W₂ of shape (k·C₁, C₂); h₂ = ReLU(z₂) is averaged over pairs
    of neighbouring positions, flattened (position-major) to f, and logits = f W₃ + b₃.
    Backpropagation: ∂J/∂Wᵢ = Pᵢᵀ δᵢ summed over examples and positions, and the gradient with
    respect to h₁ adds each patch's gradient back at the positions it was cut from.

    θ packs [W₁ (row-major), b₁, W₂, b₂, W₃, b₃]. Weights start He-uniform, biases at zero.
    """

    def __init__(self, length: int = 40, channels: tuple = (16, 16), kernel: int = 5,
                 strides: tuple = (2, 1), n_classes: int = 10):
        self.length = self.n_features = check_int("length", length, 1)
        self.c1, self.c2 = (check_int("channels", c, 1) for c in channels)
        self.k = check_int("kernel", kernel, 1)
        self.s1, self.s2 = (check_int("strides", s, 1) for s in strides)
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.l1 = (self.length - self.k) // self.s1 + 1
        self.l2 = (self.l1 - self.k) // self.s2 + 1
        self.l3 = self.l2 // 2
        if self.l1 < self.k or self.l3 < 1:
            raise ValueError(f"signals of length {length} are too short for two convolutions of {kernel} taps")
        self.features = self.l3 * self.c2
        self._set_layers([(self.k, self.c1), (self.k * self.c1, self.c2), (self.features, self.n_classes)])
        self.name = f"CNN1D {self.c1}-{self.c2} k{self.k}"

    def _logits_cache(self, theta, X):
        B, n, L = X.shape
        (W1, b1), (W2, b2), (W3, b3) = self._layers(theta)
        P1 = sliding_window_view(X, self.k, axis=2)[:, :, :: self.s1].reshape(B, n * self.l1, self.k)
        z1 = np.matmul(P1, W1)
        z1 += b1[:, None, :]
        h1 = np.maximum(z1, 0.0).reshape(B, n, self.l1, self.c1)
        # patches of h1: (B, n, l2, c1, k) → rows of k·c1, tap-major as W₂'s rows
        P2 = np.swapaxes(sliding_window_view(h1, self.k, axis=2)[:, :, :: self.s2], -1, -2)
        P2 = P2.reshape(B, n * self.l2, self.k * self.c1)
        z2 = np.matmul(P2, W2)
        z2 += b2[:, None, :]
        h2 = np.maximum(z2, 0.0).reshape(B, n, self.l2, self.c2)
        f = 0.5 * (h2[:, :, 0 : 2 * self.l3 : 2] + h2[:, :, 1 : 2 * self.l3 : 2])  # average pooling by 2
        f = f.reshape(B, n, self.features)
        z = np.matmul(f, W3)
        z += b3[:, None, :]
        return z, (P1, z1, P2, z2, f)

    def _backward(self, theta, cache, dz):
        P1, z1, P2, z2, f = cache
        B, n, _ = dz.shape
        (W1, _), (W2, _), (W3, _) = self._layers(theta)
        g = np.empty_like(theta)
        (o1, a1, c1), (o2, a2, c2), (o3, a3, c3) = self.matrices
        g[:, o3 : o3 + a3 * c3] = np.matmul(np.swapaxes(f, 1, 2), dz).reshape(B, -1)
        g[:, o3 + a3 * c3 :] = dz.sum(axis=1)
        df = np.matmul(dz, np.swapaxes(W3, 1, 2)).reshape(B, n, self.l3, self.c2)
        dh2 = np.zeros((B, n, self.l2, self.c2))
        dh2[:, :, 0 : 2 * self.l3 : 2] = 0.5 * df
        dh2[:, :, 1 : 2 * self.l3 : 2] = 0.5 * df
        d2 = dh2.reshape(B, n * self.l2, self.c2) * (z2 > 0)
        g[:, o2 : o2 + a2 * c2] = np.matmul(np.swapaxes(P2, 1, 2), d2).reshape(B, -1)
        g[:, o2 + a2 * c2 : o3] = d2.sum(axis=1)
        dP2 = np.matmul(d2, np.swapaxes(W2, 1, 2)).reshape(B, n, self.l2, self.k, self.c1)
        dh1 = np.zeros((B, n, self.l1, self.c1))
        span = self.s2 * (self.l2 - 1) + 1
        for j in range(self.k):  # each tap j of every patch goes back to position s₂·p + j
            dh1[:, :, j : j + span : self.s2] += dP2[:, :, :, j]
        d1 = dh1.reshape(B, n * self.l1, self.c1) * (z1 > 0)
        g[:, o1 : o1 + a1 * c1] = np.matmul(np.swapaxes(P1, 1, 2), d1).reshape(B, -1)
        g[:, o1 + a1 * c1 : o2] = d1.sum(axis=1)
        return g


class ConvNet1D(MinibatchModel):
    r"""The MNIST-1D repository's CNN: convolutions with zero padding, each followed by ReLU, and a
    linear layer on the flattened features (position-major), one input channel.

    ``convs`` lists (channels, taps, stride, padding) per convolution; the default is the
    reference's ConvBase, (25, 5, 2, 1), (25, 3, 2, 1), (25, 3, 2, 1), which maps 40 samples to
    19, 10 and 5 positions, 125 features and 5210 parameters. Each convolution is a matrix product
    on patches, as in :class:`CNN1D`: the patches of the padded input, (taps · channels in,) each,
    tap-major, times W of shape (taps · channels in, channels). Backpropagation adds each patch's
    gradient back at the positions it was cut from, and drops the padding.
    θ packs W, b for each convolution, then the linear layer's. Initialization: PyTorch's default.
    """

    def __init__(self, length: int = 40, convs: tuple = ((25, 5, 2, 1), (25, 3, 2, 1), (25, 3, 2, 1)),
                 n_classes: int = 10):
        self.length = self.n_features = check_int("length", length, 1)
        self.n_classes = check_int("n_classes", n_classes, 2)
        self.convs = tuple((check_int("channels", c, 1), check_int("taps", k, 1), check_int("stride", s, 1),
                            check_int("padding", p, 0)) for c, k, s, p in convs)
        if not self.convs:
            raise ValueError("convs must list at least one convolution")
        shapes, c_in, L = [], 1, self.length
        self.lengths = [L]
        for c, k, s, p in self.convs:
            L = (L + 2 * p - k) // s + 1
            if L < 1:
                raise ValueError(f"signals of length {length} are too short for the convolutions {convs!r}")
            self.lengths.append(L)
            shapes.append((k * c_in, c))
            c_in = c
        self.features = L * c_in
        shapes.append((self.features, self.n_classes))
        self._set_layers(shapes)
        self.name = "ConvNet1D " + "-".join(str(c[0]) for c in self.convs)

    def init_params(self, seed: int = 0) -> np.ndarray:
        """PyTorch's default initialization (:func:`optim_lib.problems.mlp.torch_default_init`)."""
        return torch_default_init(self, seed)

    def _logits_cache(self, theta, X):
        B, n, _ = X.shape
        layers = self._layers(theta)
        h = X[..., None]  # (B, n, positions, channels)
        cache = []
        for (c, k, s, p), (W, b), L_out in zip(self.convs, layers, self.lengths[1:]):
            hp = np.pad(h, ((0, 0), (0, 0), (p, p), (0, 0))) if p else h
            P = np.swapaxes(sliding_window_view(hp, k, axis=2)[:, :, ::s][:, :, :L_out], -1, -2)  # (B, n, L_out, k, c_in)
            P = P.reshape(B, n * L_out, -1)
            z = np.matmul(P, W)
            z += b[:, None, :]
            cache.append((P, z, hp.shape))
            h = np.maximum(z, 0.0).reshape(B, n, L_out, c)
        f = h.reshape(B, n, self.features)
        W, b = layers[-1]
        z = np.matmul(f, W)
        z += b[:, None, :]
        return z, (cache, f)

    def _backward(self, theta, cache, dz):
        convs_cache, f = cache
        B, n, _ = dz.shape
        layers = self._layers(theta)
        g = np.empty_like(theta)
        o, a, c = self.matrices[-1]
        g[:, o : o + a * c] = np.matmul(np.swapaxes(f, 1, 2), dz).reshape(B, -1)
        g[:, o + a * c :] = dz.sum(axis=1)
        dh = np.matmul(dz, np.swapaxes(layers[-1][0], 1, 2))  # ∂J/∂f, (B, n, features)
        for i in range(len(self.convs) - 1, -1, -1):
            (ch, k, s, p), (W, _), (P, z, hp_shape) = self.convs[i], layers[i], convs_cache[i]
            L_out = self.lengths[i + 1]
            d = dh.reshape(B, n * L_out, ch) * (z > 0)
            o, a, c = self.matrices[i]
            g[:, o : o + a * c] = np.matmul(np.swapaxes(P, 1, 2), d).reshape(B, -1)
            g[:, o + a * c : o + a * c + c] = d.sum(axis=1)
            if i == 0:
                break
            dP = np.matmul(d, np.swapaxes(W, 1, 2)).reshape(B, n, L_out, k, hp_shape[-1])
            dhp = np.zeros(hp_shape)
            span = s * (L_out - 1) + 1
            for j in range(k):  # tap j of every patch goes back to position s·q + j of the padded input
                dhp[:, :, j : j + span : s] += dP[:, :, :, j]
            dh = dhp[:, :, p : hp_shape[2] - p] if p else dhp
        return g
