import torch

m = torch.arange(6.0).reshape(2, 3)
t = m.t()
print(t.stride(), t.is_contiguous())
