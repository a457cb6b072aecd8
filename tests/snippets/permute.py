import torch

x = torch.arange(24).reshape(2, 3, 4)
p = x.permute(2, 0, 1)
print(p.shape, p.stride())
