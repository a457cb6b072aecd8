import torch

v = torch.tensor([4, 5, 6])
u = v.unsqueeze(0)
c = v.unsqueeze(1)
print(u.shape, c.shape, c.stride())
