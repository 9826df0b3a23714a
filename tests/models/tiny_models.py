"""Tiny random models of the real architectures, saved to a folder like a real checkpoint.

Everything is built offline: configs by hand, tokenizers from scratch with the ``tokenizers``
library. The weights are random, so the text they generate is noise; the tests check that the
project's loaders and recognisers run them end to end, and steer the output where they need a
particular answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

QWEN_SPECIALS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<|vision_start|>",
    "<|vision_end|>",
    "<|image_pad|>",
    "<|video_pad|>",
    "<unk>",
]
# Whole cells are single tokens so that a scripted chain never repeats a token.
TABLE_TOKENS = [
    "<table><tr><td>Metal</td>",
    "<td>Density</td>",
    "<td>Melting</td></tr>",
    "<tr><td>Iron</td>",
    "<td>7.87</td>",
    "<td>1538</td></tr>",
    "<tr><td>Copper</td>",
    "<td>8.96</td>",
    "<td>1085</td></tr></table>",
]
WORDS = [
    *TABLE_TOKENS,
    "Solar",
    "panels",
    "convert",
    "sunlight",
    "the",
    "cells",
    "budget",
    "wind",
    "turbines",
]


def word_tokenizer(specials: Sequence[str], words: Sequence[str], **named: str) -> Any:
    """A word-level fast tokenizer with ``specials`` first (ids 0..), then ``words``."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate([*specials, *words])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.decoder = decoders.WordPiece(prefix="##", cleanup=False)
    tok = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="<unk>", **named)
    tok.add_special_tokens({"additional_special_tokens": [s for s in specials if s != "<unk>"]})
    return tok


def script_chain(
    model: Any, tokenizer: Any, chain: Sequence[str], *, after: str = "<unk>", ends: bool = True
) -> None:
    """Make a decoder emit ``chain`` (then its end token) after the token ``after``, greedily.

    Embeddings become one-hot, every attention/MLP output projection is zeroed (so each
    position's hidden state is its own token's embedding, whatever the image) and the output
    head maps each token to the next token of the chain. Needs ``hidden_size >= vocab``.
    With ``ends=False`` the last token leads back to the first: a repetition loop.
    """
    import torch

    emb = model.get_input_embeddings().weight
    head = model.get_output_embeddings().weight
    vocab, hidden = emb.shape
    assert hidden >= vocab, "hidden_size must be at least the vocabulary size"
    ids = [tokenizer.convert_tokens_to_ids(t) for t in [after, *chain]]
    ids.append(tokenizer.eos_token_id if ends else ids[1])
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith(
                (
                    "o_proj.weight",
                    "down_proj.weight",
                    "out_proj.weight",
                    "fc2.weight",
                    "out_proj.bias",
                    "fc2.bias",
                    "embed_positions.weight",
                )
            ):
                param.zero_()
        emb.copy_(torch.eye(vocab, hidden))
        head.zero_()
        for prev, nxt in itertools.pairwise(ids):
            head[:, prev] = 0.0  # a later step overrides what follows `prev`
            head[nxt, prev] = 10.0


def build_qwen25_vl(
    folder: Path,
    *,
    model_type: str = "qwen2_5_vl",
    chain: Sequence[str] | None = None,
    ends: bool = True,
) -> Path:
    """A ~100k-parameter Qwen2.5-VL (or Qwen2-VL) checkpoint with tokenizer and image processor."""
    import torch
    from transformers import (
        Qwen2_5_VLConfig,
        Qwen2_5_VLForConditionalGeneration,
        Qwen2VLConfig,
        Qwen2VLForConditionalGeneration,
        Qwen2VLImageProcessorPil,
    )

    torch.manual_seed(0)
    tok = word_tokenizer(QWEN_SPECIALS, WORDS, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    ids = {s: tok.convert_tokens_to_ids(s) for s in QWEN_SPECIALS}
    text = {
        "vocab_size": len(tok),
        "hidden_size": 64,
        "intermediate_size": 64,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 4096,
        "eos_token_id": ids["<|im_end|>"],
        "bos_token_id": ids["<|endoftext|>"],
        "pad_token_id": ids["<|endoftext|>"],
        "rope_parameters": {
            "rope_type": "default",
            "rope_theta": 10000.0,
            "mrope_section": [4, 2, 2],
        },
    }
    vision: dict[str, Any] = {
        "depth": 2,
        "hidden_size": 32,
        "num_heads": 4,
        "in_channels": 3,
        "patch_size": 14,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
    }
    if model_type == "qwen2_5_vl":
        vision.update(
            intermediate_size=64, out_hidden_size=64, fullatt_block_indexes=[1], window_size=56
        )
        config_cls, model_cls = Qwen2_5_VLConfig, Qwen2_5_VLForConditionalGeneration
    else:
        vision.update(embed_dim=32, hidden_size=64, mlp_ratio=2)  # hidden_size: merger output
        config_cls, model_cls = Qwen2VLConfig, Qwen2VLForConditionalGeneration
    config = config_cls(
        text_config=text,
        vision_config=vision,
        image_token_id=ids["<|image_pad|>"],
        video_token_id=ids["<|video_pad|>"],
        vision_start_token_id=ids["<|vision_start|>"],
        vision_end_token_id=ids["<|vision_end|>"],
        eos_token_id=ids["<|im_end|>"],
        pad_token_id=ids["<|endoftext|>"],
    )
    model = model_cls(config).eval()
    if chain is not None:
        script_chain(model, tok, chain, ends=ends)
    model.generation_config.eos_token_id = ids["<|im_end|>"]
    model.generation_config.pad_token_id = ids["<|endoftext|>"]
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    Qwen2VLImageProcessorPil(
        size={"shortest_edge": 56 * 56, "longest_edge": 112 * 112}
    ).save_pretrained(folder)
    return folder


ROBERTA_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]


def build_trocr(folder: Path, *, chain: Sequence[str] | None = None, ends: bool = True) -> Path:
    """A tiny TrOCR: ViT encoder + TrOCRForCausalLM decoder, ViT image processor, tokenizer."""
    import torch
    from transformers import (
        TrOCRConfig,
        TrOCRForCausalLM,
        VisionEncoderDecoderConfig,
        VisionEncoderDecoderModel,
        ViTConfig,
        ViTImageProcessorPil,
        ViTModel,
    )

    torch.manual_seed(0)
    tok = word_tokenizer(
        ROBERTA_SPECIALS, WORDS, bos_token="<s>", eos_token="</s>", pad_token="<pad>"
    )
    enc = ViTConfig(
        image_size=32,
        patch_size=8,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
    )
    dec = TrOCRConfig(
        vocab_size=len(tok),
        d_model=64,
        decoder_layers=1,
        decoder_attention_heads=2,
        decoder_ffn_dim=64,
        cross_attention_hidden_size=32,
        max_position_embeddings=128,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=0,
        tie_word_embeddings=False,
    )
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(enc, dec)
    config.decoder_start_token_id, config.pad_token_id, config.eos_token_id = 0, 1, 2
    model = VisionEncoderDecoderModel(
        config=config, encoder=ViTModel(enc), decoder=TrOCRForCausalLM(dec)
    ).eval()
    if chain is not None:
        script_chain(model.decoder, tok, chain, after="<s>", ends=ends)
    model.generation_config.decoder_start_token_id = 0
    model.generation_config.eos_token_id = 2
    model.generation_config.pad_token_id = 1
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    ViTImageProcessorPil(size={"height": 32, "width": 32}).save_pretrained(folder)
    return folder


GOT_SPECIALS = [
    "<|endoftext|>",
    "<|im_start|>",
    "<|im_end|>",
    "<img>",
    "</img>",
    "<imgpad>",
    "<unk>",
]


def build_got_ocr2(folder: Path, *, chain: Sequence[str] | None = None) -> Path:
    """A tiny GOT-OCR2 (SAM-style vision tower + Qwen2 decoder) with its PIL image processor."""
    import torch
    from transformers import (
        GotOcr2Config,
        GotOcr2ForConditionalGeneration,
        GotOcr2ImageProcessorPil,
    )

    torch.manual_seed(0)
    tok = word_tokenizer(GOT_SPECIALS, WORDS, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    vision = {
        "hidden_size": 32,
        "output_channels": 16,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "image_size": 128,
        "patch_size": 16,
        "window_size": 4,
        "global_attn_indexes": [1],
        "mlp_dim": 32,
    }
    text = {
        "vocab_size": len(tok),
        "hidden_size": 64,
        "intermediate_size": 64,
        "num_hidden_layers": 1,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "tie_word_embeddings": False,
        "eos_token_id": 2,
        "pad_token_id": 0,
    }
    config = GotOcr2Config(
        vision_config=vision,
        text_config=text,
        image_token_index=tok.convert_tokens_to_ids("<imgpad>"),
        image_seq_length=4,
        tie_word_embeddings=False,
    )
    model = GotOcr2ForConditionalGeneration(config).eval()
    if chain is not None:
        script_chain(model, tok, chain, after="<unk>")
    model.generation_config.eos_token_id = 2
    model.generation_config.pad_token_id = 0
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    GotOcr2ImageProcessorPil(size={"height": 128, "width": 128}).save_pretrained(folder)
    return folder
