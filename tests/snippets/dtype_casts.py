import torch

f = torch.tensor([1.7, -2.2, 300.0])
i = f.to(torch.int32)
u = f.to(torch.uint8)
h = f.half()
print(i, u, h, h.element_size())
