import torch

a = torch.arange(10)
s = a[1:9:3]
print(s, s.stride(), s.storage_offset())
