import torch
a = torch.arange(100.)
m = a.view(10, 10)
v = a[90:]
print(v.sum())
