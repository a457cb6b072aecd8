"""The tensor-basics scenes (data, tensors, dtypes, operations) against independent PyTorch runs."""

from __future__ import annotations

import pytest
import torch

from seminar_anim.model.basics import data_lesson, dtypes_lesson, operations_lesson, tensors_lesson
from tests.conftest import clean_capture, scene_themes, values_json

LESSONS = {"data": data_lesson, "tensors": tensors_lesson, "dtypes": dtypes_lesson, "operations": operations_lesson}
STEPS = {
    "data": ["inputs", "image", "audio", "text", "embedding", "tensors"],
    "tensors": ["code", "scalar", "vector", "matrix", "tensor", "dimensions"],
    "dtypes": ["code", "sizes", "type", "cut", "wrap", "mask"],
    "operations": [
        "code",
        "create",
        "transpose",
        "pointwise",
        "element-wise",
        "matmul",
        "broadcast",
        "visible",
        "sum",
        "turn",
        "sweep",
    ],
}


def test_dtypes_match_pytorch() -> None:
    manifest = values_json("dtypes")
    prints, values = manifest["prints"], manifest["values"]
    assert "tensor([0, 1], dtype=torch.uint8)" in prints
    assert str(torch.tensor([0, 1], dtype=torch.double).type(torch.uint8)) == "tensor([0, 1], dtype=torch.uint8)"
    sizes = [values[f"dtypes[{index}].element_size"] for index in range(5)]
    assert (
        sizes
        == [
            torch.zeros(1, dtype=dt).element_size()
            for dt in (torch.float32, torch.float64, torch.int8, torch.uint8, torch.bool)
        ]
        == [4, 8, 1, 1, 1]
    )
    assert [values[f"y.int()[{index}]"] for index in range(3)] == [2, -1, 3]  # truncated toward zero
    assert [values[f"w.to(torch.uint8)[{index}]"] for index in range(3)] == [255, 0, 1]  # modulo 256
    assert [values[f"mask[{index}]"] for index in range(4)] == ["False", "True", "False", "True"]
    assert [values[f"n[mask][{index}]"] for index in range(2)] == [5, 4]
    assert [values[f"mask_bytes[{index}]"] for index in range(4)] == torch.tensor([1, 5, 2, 4]).gt(2).byte().tolist()


def test_operations_match_pytorch() -> None:
    values = values_json("operations")["values"]
    a, c = torch.ones(3, 2), torch.zeros(3, 2)
    assert values["z.shape"] == str(tuple(torch.mm(a, c.t()).shape)) == "(3, 3)"
    assert values["a_t.shape"] == "(2, 3)" and values["mean_value.shape"] == "()"
    broadcast = (a + torch.tensor([1, 2])).tolist()
    assert [[values[f"broadcasting[{i}, {j}]"] for j in range(2)] for i in range(3)] == broadcast
    assert values["mean_value[]"] == torch.mean(a).item() == 1.0
    assert values["broadcasting.dtype"] == "float32"
    # The counted data's transpose and mean: every element visible, none hidden by ones and zeros.
    x = torch.arange(6.0).reshape(3, 2) - 2
    assert [[values[f"x_t[{i}, {j}]"] for j in range(3)] for i in range(2)] == x.t().tolist()
    assert values["average[]"] == x.mean().item() == 0.5
    assert [[values[f"sums[{i}, {j}]"] for j in range(2)] for i in range(3)] == (x + x * x).tolist()


def test_tensors_report_dim_and_shape() -> None:
    manifest = values_json("tensors")
    t = torch.arange(12.0).reshape(2, 2, 3)
    assert manifest["prints"] == [
        "0 torch.Size([])",
        "1 torch.Size([3])",
        "2 torch.Size([2, 2])",
        "3 torch.Size([2, 2, 3])",
        str(t[1, 0, 2]),
    ]
    assert [manifest["values"][f"{key}.dim"] for key in "svmt"] == [0, 1, 2, 3]
    assert manifest["values"]["t.pick"] == "t[1, 0, 2]" and manifest["values"]["t.pick.flat"] == 8
    assert manifest["values"]["t[1, 0, 2]"] == t[1, 0, 2].item()


def test_data_encodes_the_slide_sentence_and_a_seeded_embedding() -> None:
    manifest = values_json("data")
    values = manifest["values"]
    vocab = ["fire", "beautiful", "wood", "is", "arrow", "length", "today", "computer", "day"]
    assert [values[f"vocab[{index}]"] for index in range(9)] == vocab
    words = ["today", "is", "a", "beautiful", "day"]
    assert [values[f"x[{index}]"] for index in range(9)] == [float(word in words) for word in vocab]
    torch.manual_seed(0)
    weight = torch.nn.Embedding(9, 3).weight.detach()
    ids = [vocab.index(word) for word in words if word in vocab]
    assert [values[f"ids[{slot}]"] for slot in range(4)] == ids == [6, 3, 1, 8]
    looked_up = [[values[f"e[{row}, {col}]"] for col in range(3)] for row in range(4)]
    assert looked_up == weight[ids].tolist()
    assert values["img[2, 2]"] == 1.0 and values["img[1, 1]"] == 0.5 and values["img[0, 0]"] == 0.0
    assert (
        values["wave[4]"] == pytest.approx(1.0) and manifest["prints"][2] == "tensor([0.0000, 0.3827, 0.7071, 0.9239])"
    )
    assert {values[f"{key}.dtype"] for key in ("img", "wave", "x", "e")} == {"float32"}


@pytest.mark.parametrize(("scene", "theme"), scene_themes(sorted(STEPS)))
def test_basics_frames_draw_the_manifest_cleanly(scene: str, theme: str) -> None:
    manifest, captures = clean_capture(scene, theme, STEPS[scene])
    drawn = {text.key for capture in captures for text in capture.texts}
    assert manifest.prints[-1].split("\n")[-1].strip() in {text.text for text in captures[-1].texts}
    # Every tensor the scene names has its shape or dtype drawn at some step.
    named = {key.rsplit(".", 1)[0] for key in manifest.values if key.endswith((".shape", ".dtype"))}
    facts_drawn = {key.rsplit(".", 1)[0] for key in drawn if key and key.endswith((".shape", ".dtype"))}
    assert named <= facts_drawn
