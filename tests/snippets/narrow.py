import torch

m = torch.arange(20.0).reshape(4, 5)
n = m.narrow(1, 1, 3)
print(n, n.storage_offset())
