import torch
a = torch.arange(100.)
v = a[90:]
print(v.sum())
