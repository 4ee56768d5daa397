"""Train the TEST FIXTURE translation model (tiny M2M-100 architecture, ja <-> en).

This is not a translator. It memorises the counter phrases in corpus.tsv (plus glossary
placeholder variants) so that tests can run the real CTranslate2 code path — SentencePiece,
M2M-100 language tokens, batching, glossary placeholders, conversion — without model weights
from a hub, which this project cannot reach.

Run in a throwaway venv (training deps are not runtime deps):

    python3.11 -m venv /tmp/mg-train
    /tmp/mg-train/bin/pip install torch==2.13.0 transformers sentencepiece ctranslate2
    /tmp/mg-train/bin/python services/translation/fixture_model/train.py

Writes services/translation/tests/fixture_model/ (the converted int8 model, committed) and
services/translation/tests/fixture_checkpoint/ (the small HF checkpoint the conversion test
converts again through `convert_checkpoint`). Deterministic seed; ~2-4 min on 2 CPU cores.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SERVICE = HERE.parent
sys.path.insert(0, str(SERVICE / "src"))
sys.path.insert(0, str(SERVICE.parent.parent / "shared" / "src"))

import sentencepiece as spm  # noqa: E402
import torch  # noqa: E402
from transformers import M2M100Config, M2M100ForConditionalGeneration, M2M100Tokenizer  # noqa: E402

from madoguchi.shared.models.translation_convert import convert_checkpoint  # noqa: E402
from madoguchi.shared.models.translation_languages import ModelFamily  # noqa: E402
from madoguchi.shared.models.translation_manifest import ModelManifest  # noqa: E402
from madoguchi.translation.glossary import MAX_PLACEHOLDERS, Glossary, placeholder  # noqa: E402
from madoguchi.translation.tokens import TokenLayout  # noqa: E402

OUT_MODEL = SERVICE / "tests" / "fixture_model"
OUT_CHECKPOINT = SERVICE / "tests" / "fixture_checkpoint"
LANGS = ("ja", "en")
SEED = 20261126
EPOCHS = 260


def read_corpus() -> list[tuple[str, str]]:
    pairs = []
    for line in (HERE / "corpus.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ja, en = line.split("\t")
            pairs.append((ja, en))
    return pairs


def placeholder_variants(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The same sentences with glossary terms protected exactly as the worker protects them."""
    glossary = Glossary.load()
    out = []
    for ja, en in pairs:
        p_ja = glossary.protect(ja, "ja", "en")
        p_en = glossary.protect(en, "en", "ja")
        if p_ja.slots and [s.term_id for s in p_ja.slots] == [s.term_id for s in p_en.slots]:
            out.append((p_ja.text, p_en.text))
    return out


def train_tokenizer(texts: list[str], workdir: Path) -> Path:
    corpus = workdir / "spm.txt"
    corpus.write_text("\n".join(texts) + "\n", encoding="utf-8")
    spm.SentencePieceTrainer.train(
        input=str(corpus), model_prefix=str(workdir / "sentencepiece.bpe"), model_type="bpe",
        vocab_size=900, hard_vocab_limit=False, character_coverage=1.0,
        user_defined_symbols=[placeholder(i) for i in range(MAX_PLACEHOLDERS)],
        unk_id=0, bos_id=-1, eos_id=-1, pad_id=-1, minloglevel=2,
    )
    return workdir / "sentencepiece.bpe.model"


def build_hf_tokenizer(spm_path: Path, workdir: Path) -> M2M100Tokenizer:
    sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    vocab = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    for i in range(sp.get_piece_size()):
        piece = sp.id_to_piece(i)
        if piece not in vocab:
            vocab[piece] = len(vocab)
    (workdir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return M2M100Tokenizer(vocab_file=str(workdir / "vocab.json"), spm_file=str(spm_path))


def examples(pairs: list[tuple[str, str]], sp: spm.SentencePieceProcessor,
             tok: M2M100Tokenizer) -> list[tuple[list[int], list[int]]]:
    layout = TokenLayout(ModelFamily.M2M100)
    out = []
    for ja, en in pairs:
        for (src, s_lang), (tgt, t_lang) in (((ja, "ja"), (en, "en")), ((en, "en"), (ja, "ja"))):
            source = layout.source(sp.encode(src, out_type=str), s_lang, t_lang)
            prefix = layout.target_prefix(t_lang) or []
            target = [*prefix, *sp.encode(tgt, out_type=str), "</s>"]
            out.append((tok.convert_tokens_to_ids(source), tok.convert_tokens_to_ids(target)))
    return out


def train(model: M2M100ForConditionalGeneration, data: list[tuple[list[int], list[int]]]) -> None:
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.0)
    steps = EPOCHS * ((len(data) + 31) // 32)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=2e-3, total_steps=steps)
    model.train()
    rng = random.Random(SEED)  # noqa: S311  (shuffling training data, not security)
    for epoch in range(EPOCHS):
        rng.shuffle(data)
        total = 0.0
        for start in range(0, len(data), 32):
            batch = data[start:start + 32]
            src_len = max(len(s) for s, _ in batch)
            tgt_len = max(len(t) for _, t in batch)
            ids = torch.tensor([s + [1] * (src_len - len(s)) for s, _ in batch])
            mask = (ids != 1).long()
            labels = torch.tensor([t + [-100] * (tgt_len - len(t)) for _, t in batch])
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += float(loss)
        if epoch % 20 == 0 or epoch == EPOCHS - 1:
            print(f"epoch {epoch} loss {total / ((len(data) + 31) // 32):.4f}", flush=True)


def write_tokenizer_files(tok: M2M100Tokenizer, spm_path: Path, vocab_path: Path) -> None:
    """Tokenizer files in the layout of facebook/m2m100_418M, readable by transformers 4 and 5
    (`save_pretrained` output of one major version does not load in the other)."""
    shutil.copy(spm_path, OUT_CHECKPOINT / "sentencepiece.bpe.model")
    shutil.copy(vocab_path, OUT_CHECKPOINT / "vocab.json")
    specials = {"bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>",
                "pad_token": "<pad>", "unk_token": "<unk>",
                "additional_special_tokens": list(tok.lang_token_to_id)}
    config = {"tokenizer_class": "M2M100Tokenizer", "language_codes": "m2m100",
              "num_madeup_words": tok.num_madeup_words, "model_max_length": 128, **specials}
    for name, data in (("tokenizer_config.json", config), ("special_tokens_map.json", specials)):
        (OUT_CHECKPOINT / name).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def check_vocabulary(tok: M2M100Tokenizer) -> None:
    """The converted vocabulary must give every token the id it was trained with."""
    vocab = json.loads((OUT_MODEL / "shared_vocabulary.json").read_text(encoding="utf-8"))
    for token in ("</s>", "__ja__", "__en__", placeholder(0)):
        assert vocab.index(token) == tok.convert_tokens_to_ids(token), token


def main() -> None:
    random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    pairs = read_corpus()
    pairs += placeholder_variants(pairs)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        spm_path = train_tokenizer([t for p in pairs for t in p], work)
        tok = build_hf_tokenizer(spm_path, work)
        sp = spm.SentencePieceProcessor(model_file=str(spm_path))
        config = M2M100Config(
            vocab_size=tok.encoder_size + len(tok.lang_code_to_id) + tok.num_madeup_words,
            d_model=128, encoder_layers=2, decoder_layers=2,
            encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=256,
            decoder_ffn_dim=256, max_position_embeddings=128, dropout=0.1,
            attention_dropout=0.0, activation_dropout=0.0, encoder_layerdrop=0.0,
            decoder_layerdrop=0.0, scale_embedding=True, pad_token_id=1, bos_token_id=0,
            eos_token_id=2, decoder_start_token_id=2, tie_word_embeddings=True,
        )
        model = M2M100ForConditionalGeneration(config)
        print(f"pairs {len(pairs)} vocab {len(tok)} params "
              f"{sum(p.numel() for p in model.parameters())}", flush=True)
        train(model, examples(pairs, sp, tok))
        model.eval()
        shutil.rmtree(OUT_CHECKPOINT, ignore_errors=True)
        model.save_pretrained(OUT_CHECKPOINT)
        write_tokenizer_files(tok, spm_path, work / "vocab.json")
    manifest = ModelManifest(
        model_id="madoguchi-test-fixture-m2m100-tiny", family=ModelFamily.M2M100,
        languages=list(LANGS), licence="Apache-2.0 (project code and corpus)",
        quantization="int8", test_fixture=True,
        source="services/translation/fixture_model/train.py",
        notes="TEST FIXTURE: memorises corpus.tsv; not a translator.",
    )
    convert_checkpoint(OUT_CHECKPOINT, OUT_MODEL, manifest, force=True)
    check_vocabulary(tok)
    (OUT_MODEL / "README.md").write_text((HERE / "FIXTURE_README.md").read_text("utf-8"), "utf-8")
    print("wrote", OUT_MODEL)


if __name__ == "__main__":
    main()
