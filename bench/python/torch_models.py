#!/usr/bin/env python3
"""PyTorch twins of the models that `./tokenlab bench compare` times, and a worker that times them.

Each model mirrors its Java counterpart layer for layer (org.tokenlab.nn and the small networks in
org.tokenlab.bench.compare): same shapes, same parameter count, same loss, Adam with lr 1e-3. The
VQGAN blocks take a number of spatial axes, as the Java blocks take a SpatialRank: 2 for VQGAN on
images (B, C, H, W), 3 for MAGVIT's 3D tokenizer on clips (B, C, T, H, W) (Conv3d 3x3x3, time halved
only at the steps MagvitConfig.defaults() says), and a padding mode: zeros as VQGAN, or reflection as
MAGVIT, on every same-size convolution and on the pad before each strided one. The masked-token
transformer mirrors org.tokenlab.generate.MaskedTokenTransformer (GPT-2's pre-norm layers under full
attention, org.tokenlab.nn.TransformerLayer and MaskedSelfAttention) with MaskedTokenLoss.
MAGVIT-v2's causal tokenizer mirrors org.tokenlab.magvit2 (causal Conv3d, per-frame and adaptive group
norms, depth-to-space up-sampling) with org.tokenlab.quantize.LookupFreeQuantizer's losses, at
Magvit2Config.cpu() and gpu(); the gpu() LFQ also runs alone, for its share of the gpu() step.

The Java driver starts this file with /usr/bin/python3 and talks to it one line at a time:

    threads N M        intra-op and inter-op threads   -> ok threads=N interop=M torch=VERSION
    setup MODEL        build MODEL, one fixed batch    -> ok params=P
    run STEPS          time STEPS steps                -> ok CPU WALL WALL ... (milliseconds: this process's
                                                          CPU time for all the steps, then each step's elapsed time)
    rss                resident memory of this process -> ok KIB
    quit

Anything that fails answers `error MESSAGE` on one line. Run it by hand with `--selftest [THREADS]`
(default 2) to time every model briefly (the MAGVIT rows take seconds a step, magvit2-gpu-train tens of
seconds: minutes in all).
"""

import collections
import math
import random
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# the VQGAN of VqganConfig.defaults(): widths 32, 64, 64, one residual block per level, attention
# at the lowest level, 8 groups, latent 64; VectorQuantizer with 256 codes of dimension 16.
# MagvitConfig.defaults() is the same plan in 3D without attention, time halved at the second
# down-sampling step only (TEMPORAL), reflect padding.
IMAGE_CHANNELS, BASE, MULTIPLIERS, RESIDUAL_BLOCKS, GROUPS, LATENT = 1, 32, (1, 2, 2), 1, 8, 64
CODES, CODE_DIM, BETA = 256, 16, 0.25
TEMPORAL = (False, True)  # MagvitConfig.defaults() temporalDownsampling: 8 frames -> 8 -> 4
EPS = 1e-6  # GroupNorm eps, as org.tokenlab.nn.GroupNorm (VQGAN)


def norm(channels):
    return nn.GroupNorm(GROUPS, channels, eps=EPS)


def conv(dims, cin, cout, kernel, padding_mode="zeros", **options):
    """Conv2d or Conv3d; a same-size one (stride 1, padding kernel // 2) unless options say otherwise."""
    options.setdefault("padding", kernel // 2)
    mode = padding_mode if kernel > 1 else "zeros"  # a 1x1 kernel pads nothing
    return (nn.Conv2d if dims == 2 else nn.Conv3d)(cin, cout, kernel, padding_mode=mode, **options)


def step_factors(dims, step):
    """The factors of down-sampling step `step` (after level `step`): (2, 2) in 2D, (t, 2, 2) in 3D."""
    return (2, 2) if dims == 2 else (2 if TEMPORAL[step] else 1, 2, 2)


class ResidualBlock(nn.Module):
    """GroupNorm, swish, conv3x3, GroupNorm, swish, conv3x3, plus the input (1x1 conv when widths differ)."""

    def __init__(self, cin, cout, dims=2, padding_mode="zeros"):
        super().__init__()
        self.norm1, self.conv1 = norm(cin), conv(dims, cin, cout, 3, padding_mode)
        self.norm2, self.conv2 = norm(cout), conv(dims, cout, cout, 3, padding_mode)
        self.shortcut = conv(dims, cin, cout, 1) if cin != cout else None

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.shortcut is None else self.shortcut(x)) + h


class SelfAttention2d(nn.Module):
    """Single-head attention over the H*W positions with 1x1 q, k, v, output projection and residual."""

    def __init__(self, c):
        super().__init__()
        self.norm = norm(c)
        self.q, self.k, self.v, self.proj_out = (nn.Conv2d(c, c, 1) for _ in range(4))

    def forward(self, x):
        b, c, hh, ww = x.shape
        h = self.norm(x)
        q = self.q(h).reshape(b, c, hh * ww)
        k = self.k(h).reshape(b, c, hh * ww)
        v = self.v(h).reshape(b, c, hh * ww)
        weights = torch.softmax(q.transpose(1, 2).bmm(k) * (c ** -0.5), dim=2)  # (B, N, N)
        attended = v.bmm(weights.transpose(1, 2)).reshape(b, c, hh, ww)
        return x + self.proj_out(attended)


class Downsample(nn.Module):
    """Pad each halved axis by one at its end and each kept axis by one on both sides, then a 3x3 (3x3x3)
    conv of stride `factors` without padding (VQGAN). With reflection the end of [a b c d] is c."""

    def __init__(self, c, factors=(2, 2), padding_mode="zeros"):
        super().__init__()
        self.conv = conv(len(factors), c, c, 3, stride=factors, padding=0)
        self.pad = tuple(w for f in reversed(factors) for w in ((0, 1) if f == 2 else (1, 1)))  # last axis first
        self.mode = "constant" if padding_mode == "zeros" else padding_mode

    def forward(self, x):
        return self.conv(F.pad(x, self.pad, mode=self.mode))


class Upsample(nn.Module):
    """Nearest-neighbour resize by `factors` (2 doubles an axis, 1 keeps it), then a same-size conv."""

    def __init__(self, c, factors=(2, 2), padding_mode="zeros"):
        super().__init__()
        self.conv = conv(len(factors), c, c, 3, padding_mode)
        self.factors = tuple(float(f) for f in factors)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=self.factors, mode="nearest"))


def widths():
    return [BASE * m for m in MULTIPLIERS]


def middle(c, dims, attention, padding_mode):
    """Residual block, attention (when on), residual block, built in that order."""
    first = ResidualBlock(c, c, dims, padding_mode)
    attend = [SelfAttention2d(c)] if attention else []
    return [first] + attend + [ResidualBlock(c, c, dims, padding_mode)]


class Encoder(nn.Module):
    """VqganEncoder: conv_in, per level residual blocks (+ attention at the lowest) and a Downsample
    but at the lowest, a middle of residual, attention, residual, then GroupNorm, swish, conv_out."""

    def __init__(self, dims=2, attention=True, padding_mode="zeros"):
        super().__init__()
        layers, c = [conv(dims, IMAGE_CHANNELS, BASE, 3, padding_mode)], BASE
        for i, out in enumerate(widths()):
            lowest = i == len(MULTIPLIERS) - 1
            for _ in range(RESIDUAL_BLOCKS):
                layers.append(ResidualBlock(c, out, dims, padding_mode))
                c = out
                if lowest and attention:
                    layers.append(SelfAttention2d(c))
            if not lowest:
                layers.append(Downsample(c, step_factors(dims, i), padding_mode))
        layers += middle(c, dims, attention, padding_mode)
        self.trunk = nn.Sequential(*layers)
        self.norm_out, self.conv_out = norm(c), conv(dims, c, LATENT, 3, padding_mode)

    def forward(self, x):
        return self.conv_out(F.silu(self.norm_out(self.trunk(x))))


class Decoder(nn.Module):
    """VqganDecoder, the encoder's mirror: one more residual block per level, Upsample in place of Downsample."""

    def __init__(self, dims=2, attention=True, padding_mode="zeros"):
        super().__init__()
        c = widths()[-1]
        layers = [conv(dims, LATENT, c, 3, padding_mode)] + middle(c, dims, attention, padding_mode)
        for i in reversed(range(len(MULTIPLIERS))):
            out = widths()[i]
            for _ in range(RESIDUAL_BLOCKS + 1):
                layers.append(ResidualBlock(c, out, dims, padding_mode))
                c = out
                if i == len(MULTIPLIERS) - 1 and attention:
                    layers.append(SelfAttention2d(c))
            if i > 0:  # undoes the encoder's step after level i - 1
                layers.append(Upsample(c, step_factors(dims, i - 1), padding_mode))
        self.trunk = nn.Sequential(*layers)
        self.norm_out, self.conv_out = norm(c), conv(dims, c, IMAGE_CHANNELS, 3, padding_mode)

    def forward(self, z):
        return self.conv_out(F.silu(self.norm_out(self.trunk(z))))


class VectorQuantizer(nn.Module):
    """Nearest code by ||e||^2 - 2 z e^T, straight-through output, loss ||sg[z] - e||^2 + beta ||z - sg[e]||^2."""

    def __init__(self):
        super().__init__()
        self.codebook = nn.Parameter(torch.empty(CODES, CODE_DIM).uniform_(-1 / CODES, 1 / CODES))

    def forward(self, features):  # (B, D, h, w) or (B, D, t, h, w)
        d = features.shape[1]
        grid = features.movedim(1, -1)  # (B, [t,] h, w, D)
        z = grid.reshape(-1, d)  # (N, D)
        distances = torch.addmm((self.codebook ** 2).sum(1), z, self.codebook.t(), alpha=-2)  # (N, K)
        ids = distances.argmin(1)
        q = self.codebook[ids]
        loss = F.mse_loss(q, z.detach()) + BETA * F.mse_loss(z, q.detach())
        quantized = z + (q - z).detach()
        return quantized.reshape(grid.shape).movedim(-1, 1), ids.reshape(grid.shape[:-1]), loss

    def codes(self, ids):  # (B, [t,] h, w) -> (B, D, [t,] h, w)
        return self.codebook[ids].movedim(-1, 1)


class Vqgan(nn.Module):
    """QuantizedAutoencoder: encoder, 1x1 quant_conv, VQ, 1x1 post_quant_conv, decoder. Defaults: the
    2D VQGAN; Vqgan(3, False, "reflect") is MagvitTokenizer of MagvitConfig.defaults()."""

    def __init__(self, dims=2, attention=True, padding_mode="zeros"):
        super().__init__()
        self.encoder = Encoder(dims, attention, padding_mode)
        self.quant_conv = conv(dims, LATENT, CODE_DIM, 1)
        self.quantizer = VectorQuantizer()
        self.post_quant_conv = conv(dims, CODE_DIM, LATENT, 1)
        self.decoder = Decoder(dims, attention, padding_mode)

    def forward(self, x):
        quantized, ids, loss = self.quantizer(self.quant_conv(self.encoder(x)))
        return self.decoder(self.post_quant_conv(quantized)), ids, loss

    def encode(self, x):
        return self.quantizer(self.quant_conv(self.encoder(x)))[1]

    def decode(self, ids):
        return self.decoder(self.post_quant_conv(self.quantizer.codes(ids)))


def magvit(padding_mode="reflect"):
    """MagvitTokenizer.of(MagvitConfig.defaults(), VQ 256 x 16); padding_mode "zeros" for the zero-padded variant."""
    return Vqgan(3, False, padding_mode)


# MAGVIT-v2's causal tokenizer (org.tokenlab.magvit2) and its lookup-free quantizer
# (org.tokenlab.quantize.LookupFreeQuantizer). A plan mirrors Magvit2Config: widths base * multipliers,
# residual blocks per level, groups, latent bits d, and the entropy group bits the LFQ resolves (d itself
# while d <= 12, an exact batch entropy; else the fewest equal groups of at most 12 bits, 2 x 9 for 18).
# Time is replicate-padded in the past, space zero-padded, both presets halve time at both steps.
Magvit2Plan = collections.namedtuple("Magvit2Plan", "base multipliers temporal blocks groups bits group_bits")
MAGVIT2_CPU = Magvit2Plan(16, (1, 2, 2), (True, True), 1, 8, 12, 12)  # Magvit2Config.cpu(): 9x32x32 -> 3x8x8
MAGVIT2_GPU = Magvit2Plan(64, (1, 2, 4), (True, True), 2, 32, 18, 9)  # Magvit2Config.gpu(): 17x64x64 -> 5x16x16
LFQ_COMMITMENT, LFQ_ENTROPY, LFQ_TEMPERATURE, LFQ_DIVERSITY = 0.25, 0.1, 0.01, 1.0  # LookupFreeQuantizer's defaults
LFQ_CHUNK_ELEMENTS = 1 << 22  # LfqEntropy.CHUNK_ELEMENTS: the most (tokens x codes) values of one chunk


class CausalConv3d(nn.Module):
    """org.tokenlab.nn.CausalConv3d: kt - 1 copies of the first frame before it (replicate, past only),
    k // 2 zeros around height and width (the convolution's own padding), then Conv3d with `stride`."""

    def __init__(self, cin, cout, kernel=3, stride=(1, 1, 1)):
        super().__init__()
        self.past = kernel - 1
        self.conv = nn.Conv3d(cin, cout, kernel, stride=stride, padding=(0, kernel // 2, kernel // 2))

    def forward(self, x):  # (B, C, T, H, W)
        if self.past:
            x = F.pad(x, (0, 0, 0, 0, self.past, 0), mode="replicate")
        return self.conv(x)


def fold_frames(x):
    """FrameGroupNorm.fold: (B, C, T, H, W) -> (B*T, C, 1, H, W), every frame a clip of its own."""
    b, c, t, h, w = x.shape
    return x if t == 1 else x.transpose(1, 2).reshape(b * t, c, 1, h, w)


def unfold_frames(x, b, t):
    """FrameGroupNorm.unfold: (B*T, C, 1, H, W) -> (B, C, T, H, W)."""
    return x if t == 1 else x.reshape(b, t, x.shape[1], x.shape[3], x.shape[4]).transpose(1, 2)


def resize_latents(z, size):
    """AdaptiveGroupNorm.resizeLatents: nearest in the causal layout, frame 0 from latent frame 0 and s
    frames from each later one, then height and width repeated (repeat_interleave, as DJL's repeat)."""
    t = z.shape[2]
    if size[0] != t:
        s = (size[0] - 1) // (t - 1)
        z = torch.cat([z[:, :, :1], z[:, :, 1:].repeat_interleave(s, 2)], 2)
    for axis in (3, 4):
        if size[axis - 2] != z.shape[axis]:
            z = z.repeat_interleave(size[axis - 2] // z.shape[axis], axis)
    return z


class FrameGroupNorm(nn.Module):
    """org.tokenlab.magvit2.FrameGroupNorm: GroupNorm (eps 1e-6) with statistics per frame. With `bits`
    it is adaptive (org.tokenlab.nn.AdaptiveGroupNorm): the latents, resized in time to the features'
    frames and folded the same way, give scale and shift by 1x1x1 convolutions (zero at the start) at the
    latents' size, resized to the features': GroupNorm(x) * (1 + scale(z)) + shift(z)."""

    def __init__(self, groups, channels, bits=0):
        super().__init__()
        self.norm = nn.GroupNorm(groups, channels, eps=EPS)
        self.scale = nn.Conv3d(bits, channels, 1) if bits else None
        self.shift = nn.Conv3d(bits, channels, 1) if bits else None
        for conv in (self.scale, self.shift):
            if conv is not None:
                nn.init.zeros_(conv.weight)
                nn.init.zeros_(conv.bias)

    def forward(self, x, z=None):  # x (B, C, T, H, W), z (B, d, t, h, w) when adaptive
        b, _, t, h, w = x.shape
        out = self.norm(fold_frames(x))  # (B*T, C, 1, H, W)
        if self.scale is not None:
            latents = fold_frames(resize_latents(z, (t, z.shape[3], z.shape[4])))  # (B*T, d, 1, h, w)
            scale = resize_latents(self.scale(latents), (1, h, w))
            shift = resize_latents(self.shift(latents), (1, h, w))
            out = out * (scale + 1) + shift
        return unfold_frames(out, b, t)


class CausalResidualBlock(nn.Module):
    """org.tokenlab.magvit2.CausalResidualBlock: norm, swish, causal conv3x3x3, norm, swish, causal conv,
    plus the input (causal 1x1x1 conv when widths differ); adaptive norms in the decoder (bits > 0)."""

    def __init__(self, cin, cout, groups, bits=0):
        super().__init__()
        self.norm1, self.conv1 = FrameGroupNorm(groups, cin, bits), CausalConv3d(cin, cout)
        self.norm2, self.conv2 = FrameGroupNorm(groups, cout, bits), CausalConv3d(cout, cout)
        self.shortcut = CausalConv3d(cin, cout, 1) if cin != cout else None

    def forward(self, x, z=None):
        h = self.conv1(F.silu(self.norm1(x, z)))
        h = self.conv2(F.silu(self.norm2(h, z)))
        return (x if self.shortcut is None else self.shortcut(x)) + h


def depth_to_space(x, factors):
    """DepthToSpaceUpsample.depthToSpace: (B, C*sT*sH*sW, T, H, W) -> (B, C, T*sT, H*sH, W*sW)."""
    b, cp, t, h, w = x.shape
    st, sh, sw = factors
    c = cp // (st * sh * sw)
    x = x.reshape(b, c, st, sh, sw, t, h, w).permute(0, 1, 5, 2, 6, 3, 7, 4)  # (B, C, T, sT, H, sH, W, sW)
    return x.reshape(b, c, t * st, h * sh, w * sw)


class DepthToSpaceUpsample(nn.Module):
    """org.tokenlab.nn.DepthToSpaceUpsample: causal conv3x3x3 to C*sT*sH*sW channels, depth-to-space, and
    the first sT - 1 frames dropped (1 + k latent frames become 1 + sT*k)."""

    def __init__(self, cin, cout, factors):
        super().__init__()
        self.factors = factors
        self.conv = CausalConv3d(cin, cout * factors[0] * factors[1] * factors[2])

    def forward(self, x):
        return depth_to_space(self.conv(x), self.factors)[:, :, self.factors[0] - 1:]


class Magvit2Encoder(nn.Module):
    """org.tokenlab.magvit2.Magvit2Encoder: conv_in, per level residual blocks and (but at the last) a
    strided causal conv (stride (2 or 1, 2, 2)), the middle blocks, per-frame GroupNorm, swish, 1x1x1 to d."""

    def __init__(self, plan):
        super().__init__()
        c = plan.base
        self.conv_in = CausalConv3d(IMAGE_CHANNELS, c)
        layers = []
        for level, m in enumerate(plan.multipliers):
            for _ in range(plan.blocks):
                layers.append(CausalResidualBlock(c, plan.base * m, plan.groups))
                c = plan.base * m
            if level < len(plan.multipliers) - 1:
                layers.append(CausalConv3d(c, c, 3, (2 if plan.temporal[level] else 1, 2, 2)))
        layers += [CausalResidualBlock(c, c, plan.groups) for _ in range(plan.blocks)]
        self.body = nn.Sequential(*layers)
        self.norm_out, self.conv_out = FrameGroupNorm(plan.groups, c), CausalConv3d(c, plan.bits, 1)

    def forward(self, x):  # (B, C, 1 + s*k, H, W) -> (B, d, 1 + k, H/f, W/f)
        return self.conv_out(F.silu(self.norm_out(self.body(self.conv_in(x)))))


class Magvit2Decoder(nn.Module):
    """org.tokenlab.magvit2.Magvit2Decoder: conv_in d -> last width, middle blocks, per level from the last
    residual blocks and (but at the first) depth-to-space up-sampling, adaptive norm, swish, conv_out; every
    norm adaptive, conditioned on the quantized latents."""

    def __init__(self, plan):
        super().__init__()
        widths = [plan.base * m for m in plan.multipliers]
        c = widths[-1]
        self.conv_in = CausalConv3d(plan.bits, c)
        layers = [CausalResidualBlock(c, c, plan.groups, plan.bits) for _ in range(plan.blocks)]
        for level in reversed(range(len(widths))):
            for _ in range(plan.blocks):
                layers.append(CausalResidualBlock(c, widths[level], plan.groups, plan.bits))
                c = widths[level]
            if level > 0:
                layers.append(DepthToSpaceUpsample(c, widths[level - 1], (2 if plan.temporal[level - 1] else 1, 2, 2)))
                c = widths[level - 1]
        self.body = nn.ModuleList(layers)
        self.norm_out = FrameGroupNorm(plan.groups, c, plan.bits)
        self.conv_out = CausalConv3d(c, IMAGE_CHANNELS)

    def forward(self, z):  # (B, d, t, h, w) -> (B, C, 1 + s*(t - 1), h*f, w*f)
        h = self.conv_in(z)
        for layer in self.body:
            h = layer(h, z) if isinstance(layer, CausalResidualBlock) else layer(h)
        return self.conv_out(F.silu(self.norm_out(h, z)))


def lfq_code_bits(first, count, bits):
    """LfqEntropy.codeBits: (count, bits) float, bit i of code k being (k >> i) & 1."""
    codes = torch.arange(first, first + count).unsqueeze(1)
    return ((codes >> torch.arange(bits)) & 1).float()


def lfq_probabilities(logits, first, count):
    """p_n(c) (N, count) for codes first .. first + count - 1: exp(a.b - sum softplus(a))."""
    log_norm = F.softplus(logits).sum(1, keepdim=True)  # (N, 1)
    return (logits.matmul(lfq_code_bits(first, count, logits.shape[1]).t()) - log_norm).exp()


def lfq_exact_batch_entropy(rows):
    """ExactBatchEntropy.of: H of the batch-mean assignment over the 2^g codes of rows (N, g), as the
    product of the low half's and the high half's probabilities, the high codes in chunks."""
    n, g = rows.shape
    low = g // 2
    low_p = lfq_probabilities(rows[:, :low], 0, 1 << low) if low else rows.new_ones(n, 1)  # (N, 2^l)
    high, high_codes = rows[:, low:], 1 << (g - low)
    chunk = max(1, min(high_codes, LFQ_CHUNK_ELEMENTS // max(1, n)))
    columns = [low_p.t().matmul(lfq_probabilities(high, first, min(chunk, high_codes - first)))
               for first in range(0, high_codes, chunk)]
    mean = torch.cat(columns, 1) / n  # (2^l, 2^h)
    return -(mean * mean.clamp(1e-30, 1).log()).sum()


class LookupFreeQuantizer(nn.Module):
    """org.tokenlab.quantize.LookupFreeQuantizer in training: signs with a straight-through gradient, ids
    (first dimension the lowest bit), commitment 0.25 * mean((z - sg(q))^2) and entropy 0.1 * (mean_n H(p_n)
    - H(mean_n p_n)), the per-token term exact in O(d), the batch term exact over groups of `group_bits`."""

    def __init__(self, bits, group_bits):
        super().__init__()
        self.bits, self.group_bits = bits, group_bits

    def forward(self, z):  # (B, d, ...) -> quantized (B, d, ...), ids (B, ...), loss ()
        positive = z > 0
        codes = positive.to(z.dtype) * 2 - 1
        quantized = z + (codes - z).detach()
        powers = (1 << torch.arange(self.bits)).reshape((1, self.bits) + (1,) * (z.dim() - 2))
        ids = (positive.long() * powers).sum(1)
        commitment = (z - codes.detach()).square().mean() * LFQ_COMMITMENT
        return quantized, ids, commitment + self.entropy_loss(z) * LFQ_ENTROPY

    def entropy_loss(self, z):
        tokens = z.numel() // self.bits
        a = z * (4 / LFQ_TEMPERATURE)  # bit logits: p_i(+1) = sigmoid(4 z_i / T)
        per_sample = (F.softplus(a) - a * torch.sigmoid(a)).sum() / tokens
        rows = a.movedim(1, -1).reshape(-1, self.bits)  # (N, d)
        batch = None
        for start in range(0, self.bits, self.group_bits):
            h = lfq_exact_batch_entropy(rows if self.group_bits >= self.bits else rows[:, start:start + self.group_bits])
            batch = h if batch is None else batch + h
        return per_sample - batch * LFQ_DIVERSITY


class Magvit2Tokenizer(nn.Module):
    """org.tokenlab.magvit2.Magvit2Tokenizer: encoder to d channels, LFQ, decoder conditioned on the quantized latents."""

    def __init__(self, plan):
        super().__init__()
        self.encoder = Magvit2Encoder(plan)
        self.quantizer = LookupFreeQuantizer(plan.bits, plan.group_bits)
        self.decoder = Magvit2Decoder(plan)

    def forward(self, x):
        quantized, ids, loss = self.quantizer(self.encoder(x))
        return self.decoder(quantized), ids, loss


class QuantizerTraining:
    """LookupFreeQuantizerStep: the quantizer alone on fixed latents that take a gradient, forward and backward
    of mean(quantized) + loss; no parameters, so no optimizer."""

    def __init__(self, quantizer, latents):
        self.model, self.latents = quantizer, latents.requires_grad_(True)

    def step(self):
        quantized, _, loss = self.model(self.latents)
        objective = quantized.mean() + loss
        self.latents.grad = None
        objective.backward()
        return objective.item()


def conv_stack():
    """Four 3x3 convolutions 1 -> 64 -> 64 -> 64 -> 1 with ReLU between."""
    return nn.Sequential(nn.Conv2d(1, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
                         nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 1, 3, padding=1))


class ConvAutoencoder(nn.Module):
    """Two strided 3x3 convolutions down (1 -> 32 -> 64), two nearest resizes each followed by a 3x3 conv up."""

    def __init__(self):
        super().__init__()
        self.down1 = nn.Conv2d(1, 32, 3, stride=2, padding=1)
        self.down2 = nn.Conv2d(32, 64, 3, stride=2, padding=1)
        self.up1 = nn.Conv2d(64, 32, 3, padding=1)
        self.up2 = nn.Conv2d(32, 1, 3, padding=1)

    def forward(self, x):
        h = F.relu(self.down2(F.relu(self.down1(x))))
        h = F.relu(self.up1(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return self.up2(F.interpolate(h, scale_factor=2.0, mode="nearest"))


# MaskGitTraining: 4 layers of width 256 with 8 heads over [task][class][4x16x16 grid], 1024 codes;
# vocabulary codes, [MASK], 10 tasks, 101 classes and "no class" (MaskedTokenTransformer's layout).
TOKEN_CODES, TOKEN_GRID, TOKEN_TASKS, TOKEN_CLASSES = 1024, 4 * 16 * 16, 10, 101
TOKEN_LAYERS, TOKEN_HEADS, TOKEN_WIDTH, TOKEN_BATCH = 4, 8, 256, 8
MASK_ID = TOKEN_CODES


class MaskedSelfAttention(nn.Module):
    """org.tokenlab.nn.MaskedSelfAttention under the full mask: one linear layer (with bias) to queries,
    keys and values, softmax(q k^T / sqrt(headDim)) v per head, a linear projection (with bias)."""

    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.query_key_value = nn.Linear(width, 3 * width)
        self.projection = nn.Linear(width, width)

    def forward(self, x):  # (B, L, C)
        b, l, c = x.shape
        d = c // self.heads
        qkv = self.query_key_value(x).reshape(b, l, 3, self.heads, d).permute(2, 0, 3, 1, 4)  # (3, B, heads, L, d)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = q.matmul(k.transpose(2, 3)) * (1.0 / math.sqrt(d))  # (B, heads, L, L)
        y = scores.softmax(-1).matmul(v).transpose(1, 2).reshape(b, l, c)  # (B, L, C)
        return self.projection(y)


class TransformerLayer(nn.Module):
    """org.tokenlab.nn.TransformerLayer: x + attention(LayerNorm(x)), then x + Linear(GELU(Linear(LayerNorm(x)))),
    C -> 4C -> C with biases; LayerNorm eps 1e-5 as DJL's, exact (erf) GELU as DJL's gelu."""

    def __init__(self, width, heads):
        super().__init__()
        self.attention_norm = nn.LayerNorm(width)
        self.attention = MaskedSelfAttention(width, heads)
        self.mlp_norm = nn.LayerNorm(width)
        self.expand = nn.Linear(width, 4 * width)
        self.contract = nn.Linear(4 * width, width)

    def forward(self, x):
        x = x + self.attention(self.attention_norm(x))
        return x + self.contract(F.gelu(self.expand(self.mlp_norm(x))))


class MaskedTokenTransformer(nn.Module):
    """MaskedTokenTransformer with tasks and classes: token + learned position embeddings over
    [task][class][grid], the layers, a final LayerNorm and a bias-free head over the codes, read out at
    the grid positions only. Initialized as GPT-2 (and the Java side): weights N(0, 0.02), the two
    residual projections of each layer N(0, 0.02 / sqrt(2 layers)), biases 0. Dropout is 0 on the Java
    side (its dropout blocks return their input), so there is none here."""

    def __init__(self):
        super().__init__()
        vocabulary = TOKEN_CODES + 1 + TOKEN_TASKS + TOKEN_CLASSES + 1
        self.prefix = 2  # [task][class]
        self.token_embedding = nn.Parameter(torch.randn(vocabulary, TOKEN_WIDTH) * 0.02)
        self.position_embedding = nn.Parameter(torch.randn(self.prefix + TOKEN_GRID, TOKEN_WIDTH) * 0.02)
        self.layers = nn.ModuleList(TransformerLayer(TOKEN_WIDTH, TOKEN_HEADS) for _ in range(TOKEN_LAYERS))
        self.final_norm = nn.LayerNorm(TOKEN_WIDTH)
        self.head = nn.Linear(TOKEN_WIDTH, TOKEN_CODES, bias=False)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.normal_(module.weight, std=0.02)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
        for layer in self.layers:
            for projection in (layer.attention.projection, layer.contract):
                nn.init.normal_(projection.weight, std=0.02 / math.sqrt(2 * TOKEN_LAYERS))

    def forward(self, ids):  # (B, 2 + L) -> (B, L, K)
        x = F.embedding(ids, self.token_embedding) + self.position_embedding[:ids.shape[1]]  # (B, 2 + L, C)
        for layer in self.layers:
            x = layer(x)
        return self.head(self.final_norm(x[:, self.prefix:]))


def cosine_mask_count(r, tokens):
    """MaskSchedule.COSINE.trainingMaskCount: ceil(tokens * cos(pi/2 r)), the ratio clipped to [1e-6, 1], the count to [1, tokens]."""
    ratio = min(1.0, max(1e-6, math.cos(math.pi / 2 * r)))
    return max(1, min(tokens, math.ceil(tokens * ratio - 1e-9)))


class MaskedTokenBatch:
    """MaskGitTraining's fixed batch: the [task][class] prefix of each row, random grids of codes (the
    targets), and the draws of the mask ratio."""

    def __init__(self):
        first_task, first_class = TOKEN_CODES + 1, TOKEN_CODES + 1 + TOKEN_TASKS
        self.prefix = torch.tensor([[first_task + b % TOKEN_TASKS, first_class + (7 * b) % TOKEN_CLASSES]
                                    for b in range(TOKEN_BATCH)])  # (B, 2)
        self.grids = torch.randint(0, TOKEN_CODES, (TOKEN_BATCH, TOKEN_GRID))  # (B, L)
        self.random = random.Random(0)


def masked_token_loss(model, batch):
    """One ratio for the batch, that many random positions of each row behind [MASK], MaskedTokenLoss.of:
    the cross-entropy at the masked positions over their number."""
    hidden = cosine_mask_count(batch.random.random(), TOKEN_GRID)
    masked = torch.rand(TOKEN_BATCH, TOKEN_GRID).argsort(1).argsort(1) < hidden  # (B, L): `hidden` per row
    ids = torch.cat([batch.prefix, torch.where(masked, torch.full_like(batch.grids, MASK_ID), batch.grids)], 1)
    weights = masked.float()  # (B, L)
    log_probabilities = model(ids).log_softmax(-1)  # (B, L, K)
    picked = log_probabilities.gather(-1, batch.grids.unsqueeze(-1)).squeeze(-1)  # (B, L)
    return (-picked * weights).sum() / weights.sum()


def pixels(*shape):
    return torch.rand(*shape) * 2 - 1


class Training:
    """One training step: forward, loss, zero the gradients, backward, Adam; the loss is read back."""

    def __init__(self, model, batch, loss):
        self.model, self.batch, self.loss = model, batch, loss
        self.optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(self):
        loss = self.loss(self.model, self.batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        return loss.item()


class Inference:
    """One forward pass without gradient."""

    def __init__(self, model, batch, forward):
        self.model, self.batch, self.forward = model, batch, forward
        model.eval()

    def step(self):
        with torch.no_grad():
            return float(self.forward(self.model, self.batch).reshape(-1)[0])


def vqgan_loss(model, x):
    reconstruction, _, quantizer_loss = model(x)
    return F.l1_loss(reconstruction, x) + quantizer_loss


def mse_loss(model, x):
    return F.mse_loss(model(x), x)


CLIPS = (4, 1, 8, 32, 32)  # MagvitTraining.BATCH: 32 frames of 32x32, as the VQGAN rows' 32 images
MAGVIT2_CLIPS = (4, 1, 9, 32, 32)  # Magvit2Training.CPU_BATCH: cpu()'s clip, 3x8x8 tokens each
MAGVIT2_GPU_CLIPS = (1, 1, 17, 64, 64)  # Magvit2Training.GPU_BATCH: gpu()'s clip, 5x16x16 tokens
MAGVIT2_GPU_LATENTS = (1, 18, 5, 16, 16)  # what gpu()'s encoder gives the LFQ for MAGVIT2_GPU_CLIPS

MODELS = {
    "vqgan-train": lambda: Training(Vqgan(), pixels(32, 1, 32, 32), vqgan_loss),
    "vqgan-forward": lambda: Inference(Vqgan(), pixels(32, 1, 32, 32), lambda m, x: m.decode(m.encode(x))),
    "magvit-train": lambda: Training(magvit("reflect"), pixels(*CLIPS), vqgan_loss),
    "magvit-forward": lambda: Inference(magvit("reflect"), pixels(*CLIPS), lambda m, x: m.decode(m.encode(x))),
    "magvit-zeros-train": lambda: Training(magvit("zeros"), pixels(*CLIPS), vqgan_loss),
    "magvit2-train": lambda: Training(Magvit2Tokenizer(MAGVIT2_CPU), pixels(*MAGVIT2_CLIPS), vqgan_loss),
    "magvit2-gpu-train": lambda: Training(Magvit2Tokenizer(MAGVIT2_GPU), pixels(*MAGVIT2_GPU_CLIPS), vqgan_loss),
    "magvit2-gpu-lfq": lambda: QuantizerTraining(LookupFreeQuantizer(MAGVIT2_GPU.bits, MAGVIT2_GPU.group_bits),
                                                 torch.randn(*MAGVIT2_GPU_LATENTS)),
    "maskgit-train": lambda: Training(MaskedTokenTransformer(), MaskedTokenBatch(), masked_token_loss),
    "conv-stack-train": lambda: Training(conv_stack(), pixels(32, 1, 32, 32), mse_loss),
    "autoencoder-train": lambda: Training(ConvAutoencoder(), pixels(64, 1, 32, 32), mse_loss),
    "conv-forward": lambda: Inference(nn.Conv2d(64, 64, 3, padding=1), torch.randn(64, 64, 16, 16), lambda m, x: m(x)),
}


def parameter_count(work):
    return sum(p.numel() for p in work.model.parameters())


def resident_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def answer(words, state):
    if words[0] == "threads" and len(words) == 3:
        torch.set_num_threads(int(words[1]))
        try:
            torch.set_num_interop_threads(int(words[2]))
        except RuntimeError:  # allowed only before the first parallel work; keep what is set
            pass
        return "threads=%d interop=%d torch=%s" % (torch.get_num_threads(), torch.get_num_interop_threads(),
                                                    torch.__version__)
    if words[0] == "setup" and len(words) == 2:
        if words[1] not in MODELS:
            raise ValueError("unknown model %s; known: %s" % (words[1], " ".join(MODELS)))
        torch.manual_seed(0)
        state["work"] = MODELS[words[1]]()
        return "params=%d" % parameter_count(state["work"])
    if words[0] == "run" and len(words) == 2:
        if "work" not in state:
            raise ValueError("run before setup")
        times = []
        cpu = time.process_time()
        for _ in range(int(words[1])):
            start = time.perf_counter()
            state["work"].step()
            times.append("%.3f" % ((time.perf_counter() - start) * 1000))
        return "%.3f %s" % ((time.process_time() - cpu) * 1000, " ".join(times))
    if words[0] == "rss" and len(words) == 1:
        return str(resident_kib())
    raise ValueError("unknown command: " + " ".join(words))


def serve():
    state = {}
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        try:
            reply = "ok " + answer(words, state)
        except Exception as e:  # the driver prints the message and stops
            reply = "error " + (str(e) or type(e).__name__).replace("\n", " ")
        sys.stdout.write(reply + "\n")
        sys.stdout.flush()


def selftest(threads):
    print(answer(["threads", threads, "1"], {}))
    for name in MODELS:
        state = {}
        params = answer(["setup", name], state)
        times = sorted(float(t) for t in answer(["run", "12"], state).split()[1:])
        print("%-18s %s  median %.1f ms" % (name, params, times[len(times) // 2]))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--selftest"]:
        selftest(sys.argv[2] if len(sys.argv) > 2 else "2")
    else:
        serve()
