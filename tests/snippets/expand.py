import torch

row = torch.tensor([1.0, 2.0, 3.0])
e = row.expand(4, 3)
print(e.stride(), e.sum())
