"""Tensor basics: data as tensors, dimensions, dtypes and operations, run live and recorded as plain data."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from seminar_anim.model.device import on_device
from seminar_anim.model.listing import Listing, Transcript, printed
from seminar_anim.model.manifest import Value

Element = float | int | str  # a tensor element as drawn: bools become "True"/"False"


@dataclass(frozen=True)
class TensorRecord:
    """A tensor as a scene draws it: its name, shape, dtype and elements in row-major order."""

    key: str  # manifest prefix and the name in the code
    shape: tuple[int, ...]
    dtype: str  # "float32", "uint8", ...
    element_size: int
    values: tuple[Element, ...]

    @property
    def dim(self) -> int:
        return len(self.shape)

    @property
    def shape_text(self) -> str:
        return str(self.shape)

    def element_key(self, flat: int) -> str:
        """The manifest key of element `flat`: x[1, 2] for a matrix, x[] for a scalar."""
        position = []
        for size in reversed(self.shape):
            position.append(flat % size)
            flat //= size
        return f"{self.key}[{', '.join(str(index) for index in reversed(position))}]"


def tensor_record(key: str, tensor: torch.Tensor) -> TensorRecord:
    elements = tensor.detach().reshape(-1).tolist()
    return TensorRecord(
        key=key,
        shape=tuple(tensor.shape),
        dtype=str(tensor.dtype).removeprefix("torch."),
        element_size=tensor.element_size(),
        values=tuple(str(value) if isinstance(value, bool) else value for value in elements),
    )


def record_values(*records: TensorRecord) -> dict[str, Value]:
    """Every element, the shape, dim and dtype of each record, for the manifest."""
    values: dict[str, Value] = {}
    for record in records:
        values[f"{record.key}.shape"] = record.shape_text
        values[f"{record.key}.dim"] = record.dim
        values[f"{record.key}.dtype"] = record.dtype
        values[f"{record.key}.element_size"] = record.element_size
        for index, value in enumerate(record.values):
            values[record.element_key(index)] = value
    return values


@dataclass(frozen=True)
class BasicsFacts:
    """A lesson of listings run live and the tensors they made, by name."""

    listings: tuple[Listing, ...]
    tensors: dict[str, TensorRecord]
    device: str
    torch_version: str
    extra: dict[str, Value]  # other live values the scene draws (vocabulary, flags)

    @property
    def prints(self) -> tuple[str, ...]:
        return printed(self.listings)

    @property
    def dtype(self) -> str:
        return next(iter(self.tensors.values())).dtype

    def __getitem__(self, key: str) -> TensorRecord:
        return self.tensors[key]


def basics_values(facts: BasicsFacts) -> dict[str, Value]:
    values = record_values(*facts.tensors.values())
    values.update(facts.extra)
    return values


def _facts(listings: list[Listing], tensors: dict[str, torch.Tensor], extra: dict[str, Value]) -> BasicsFacts:
    device = str(next(iter(tensors.values())).device)
    records = {key: tensor_record(key, tensor) for key, tensor in tensors.items()}
    return BasicsFacts(tuple(listings), records, device, torch.__version__, extra)


VOCABULARY = ("fire", "beautiful", "wood", "is", "arrow", "length", "today", "computer", "day")
SENTENCE = "today is a beautiful day"
EMBEDDING_SIZE = 3


def data_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """An image the code draws, a sampled sine wave, and the slide's sentence over its vocabulary."""
    where = torch.device(device)
    run = Transcript(str(where))
    run.line("img = torch.zeros(5, 5)  # 5x5 black pixels", "img")
    img = torch.zeros(5, 5, device=where)
    run.line("img[1:4, 1:4] = 0.5", "square")
    img[1:4, 1:4] = 0.5
    run.line("img[2, 2] = 1.0  # a white centre", "centre")
    img[2, 2] = 1.0
    run.printed(run.line("print(img.dtype, img.shape)", "print_img"), img.dtype, img.shape)
    image = run.listing()

    run = Transcript(str(where), continues=True)
    run.line("t = torch.arange(16) / 16  # 16 samples", "t")
    t = torch.arange(16, device=where) / 16
    run.line("wave = torch.sin(2 * torch.pi * t)", "wave")
    wave = torch.sin(2 * torch.pi * t)
    run.printed(run.line("print(wave.dtype, wave.shape)", "print_wave"), wave.dtype, wave.shape)
    run.printed(run.line("print(wave[:4])", "print_start"), wave[:4])
    audio = run.listing()

    run = Transcript(str(where), continues=True)
    run.line("vocab = ['fire', 'beautiful', 'wood',", "vocab")
    run.line("         'is', 'arrow', 'length',")
    run.line("         'today', 'computer', 'day']")
    run.line(f"words = '{SENTENCE}'.split()", "words")
    words = SENTENCE.split()
    run.line("hot = [w in words for w in vocab]", "hot")
    hot = [word in words for word in VOCABULARY]
    run.line("x = torch.tensor(hot, dtype=torch.float32)", "x")
    x = torch.tensor(hot, dtype=torch.float32, device=where)
    run.printed(run.line("print(x)", "print_x"), x)
    text = run.listing()

    run = Transcript(str(where), continues=True)
    run.line("torch.manual_seed(0)", "seed")
    torch.manual_seed(0)
    # Seeded on the CPU's generator on every device, so CPU and CUDA show the same weights.
    if where.type == "cpu":
        run.line(f"emb = torch.nn.Embedding(len(vocab), {EMBEDDING_SIZE})", "emb")
    else:
        run.line(f"emb = torch.nn.Embedding(len(vocab), {EMBEDDING_SIZE}, device='cpu')", "emb")
        run.line(f"emb = emb.to('{where.type}')  # seeded on the CPU")
    embedding = torch.nn.Embedding(len(VOCABULARY), EMBEDDING_SIZE, device="cpu").to(where)
    run.line("known = [w for w in words if w in vocab]", "known")
    known = [word for word in words if word in VOCABULARY]
    run.line("ids = [vocab.index(w) for w in known]", "ids")
    ids = [VOCABULARY.index(word) for word in known]
    run.printed(run.line("print(ids)", "print_ids"), ids)
    run.line("e = emb(torch.tensor(ids))", "e")
    with torch.no_grad():
        e = embedding(torch.tensor(ids, device=where))
        weight = embedding.weight.clone()
    run.printed(run.line("print(e.dtype, e.shape)", "print_e"), e.dtype, e.shape)
    lookup = run.listing()

    extra: dict[str, Value] = {"sentence": SENTENCE}
    for index, word in enumerate(VOCABULARY):
        extra[f"vocab[{index}]"] = word
        extra[f"vocab[{index}].index"] = VOCABULARY.index(word)
    extra.update({f"ids[{index}]": word_id for index, word_id in enumerate(ids)})
    return _facts(
        [image, audio, text, lookup],
        {"img": img, "wave": wave, "x": x, "emb.weight": weight, "e": e},
        extra,
    )


PICK = (1, 0, 2)  # the element of the 3-d tensor read with three indices


def tensors_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """A scalar, a vector, a matrix and a 3-d tensor, each with its dim() and shape."""
    where = torch.device(device)
    run = Transcript(str(where))
    made: dict[str, torch.Tensor] = {}
    for key, code, make in (
        ("s", "torch.tensor(3.)", lambda: torch.tensor(3.0, device=where)),
        ("v", "torch.tensor([1., 2., 3.])", lambda: torch.tensor([1.0, 2.0, 3.0], device=where)),
        ("m", "torch.tensor([[1., 2.], [3., 4.]])", lambda: torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=where)),
        ("t", "torch.arange(12.).reshape(2, 2, 3)", lambda: torch.arange(12.0, device=where).reshape(2, 2, 3)),
    ):
        run.line(f"{key} = {code}", key)
        made[key] = make()
    for key, tensor in made.items():
        run.printed(run.line(f"print({key}.dim(), {key}.shape)", f"print_{key}"), tensor.dim(), tensor.shape)
    t = made["t"]
    # One index per dimension; where the element sits in row-major order, from its own address.
    pick = f"t[{', '.join(str(index) for index in PICK)}]"
    run.printed(run.line(f"print({pick})", "print_pick"), t[PICK])
    flat = (t[PICK].data_ptr() - t.data_ptr()) // t.element_size()
    return _facts([run.listing()], made, {"t.pick": pick, "t.pick.flat": flat})


DTYPES = (torch.float32, torch.float64, torch.int8, torch.uint8, torch.bool)


def dtypes_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """Bytes per element of the slide's dtypes, .type(torch.uint8), narrowing, and boolean masks."""
    where = torch.device(device)
    run = Transcript(str(where))
    run.line("for dt in [torch.float32, torch.float64,", "loop")
    run.line("        torch.int8, torch.uint8, torch.bool]:")
    run.line("    one = torch.zeros(1, dtype=dt)", "one")
    line = run.line("    print(one.dtype, one.element_size())", "print_size")
    sizes: dict[str, Value] = {}
    for index, dtype in enumerate(DTYPES):
        one = torch.zeros(1, dtype=dtype, device=where)
        run.printed(line, one.dtype, one.element_size())
        sizes[f"dtypes[{index}]"] = str(one.dtype).removeprefix("torch.")
        sizes[f"dtypes[{index}].element_size"] = one.element_size()
    run.line("x = torch.tensor([0, 1], dtype=torch.double)", "x")
    x = torch.tensor([0, 1], dtype=torch.double, device=where)
    x_uint8 = x.type(torch.uint8)
    run.printed(run.line("print(x.type(torch.uint8))", "print_x"), x_uint8)
    sizes_listing = run.listing()

    run = Transcript(str(where), continues=True)
    run.line("y = torch.tensor([2.7, -1.5, 3.9])", "y")
    y = torch.tensor([2.7, -1.5, 3.9], device=where)
    y_int = y.int()
    run.printed(run.line("print(y.int())  # drops the fraction", "print_y"), y_int)
    run.line("w = torch.tensor([255, 256, 257])", "w")
    w = torch.tensor([255, 256, 257], device=where)
    w_uint8 = w.to(torch.uint8)
    run.printed(run.line("print(w.to(torch.uint8))  # wraps", "print_w"), w_uint8)
    run.line("n = torch.tensor([1, 5, 2, 4])", "n")
    n = torch.tensor([1, 5, 2, 4], device=where)
    run.line("mask = n > 2", "mask")
    mask = n > 2
    run.printed(run.line("print(mask)", "print_mask"), mask)
    selected = n[mask]
    run.printed(run.line("print(n[mask])  # a new tensor", "print_selected"), selected)
    convert_listing = run.listing()
    tensors = {
        "x": x,
        "x.type(torch.uint8)": x_uint8,
        "y": y,
        "y.int()": y_int,
        "w": w,
        "w.to(torch.uint8)": w_uint8,
        "n": n,
        "mask": mask,
        "n[mask]": selected,
    }
    return _facts([sizes_listing, convert_listing], tensors, sizes)


def operations_lesson(device: torch.device | str = "cpu") -> BasicsFacts:
    """The slides' creation and math operations, every result with its values and shape."""
    where = torch.device(device)
    run = Transcript(str(where))
    run.line("a = torch.ones(3, 2)  # 3x2, only ones", "a")
    a = torch.ones(3, 2, device=where)
    run.line("b = torch.zeros(3, 1)  # 3x1, only zeros", "b")
    b = torch.zeros(3, 1, device=where)
    run.line("c = torch.zeros_like(a)  # a's shape", "c")
    c = torch.zeros_like(a)
    run.line("a_t = a.t()  # 2x3: the transpose", "a_t")
    a_t = a.t()
    run.printed(run.line("print(a.shape)", "print_shape"), a.shape)
    creation = run.listing()

    run = Transcript(str(where), continues=True)
    run.line("absolute_values = torch.abs(a)", "abs")
    absolute = torch.abs(a)
    run.line("mean_value = torch.mean(a)", "mean")
    mean = torch.mean(a)
    run.line("s = a + c  # element-wise sum", "s")
    s = a + c
    run.line("p = a * c  # element-wise product", "p")
    p = a * c
    run.line("z = torch.mm(a, c.t())  # mind the shapes", "z")
    z = torch.mm(a, c.t())
    run.line("broadcasting = a + torch.tensor([1, 2])", "broadcasting")
    row = torch.tensor([1, 2], device=where)
    broadcasting = a + row
    run.printed(run.line("print(mean_value, z.shape)", "print_mean"), mean, z.shape)
    run.printed(run.line("print(broadcasting)", "print_broadcasting"), broadcasting)
    math = run.listing()
    tensors = {
        "a": a,
        "b": b,
        "c": c,
        "a_t": a_t,
        "absolute_values": absolute,
        "mean_value": mean,
        "s": s,
        "p": p,
        "c.t()": c.t(),
        "z": z,
        "row": row,
        "row.expand": row.expand_as(a),
        "broadcasting": broadcasting,
    }
    return _facts([creation, math], tensors, {})


data_facts = on_device("data", data_lesson, basics_values)
tensors_facts = on_device("tensors", tensors_lesson, basics_values)
dtypes_facts = on_device("dtypes", dtypes_lesson, basics_values)
operations_facts = on_device("operations", operations_lesson, basics_values)
