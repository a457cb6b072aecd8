import torch

a = torch.arange(12)
v = a.view(3, 4)
w = v.view(-1, 6)
print(v.stride(), w.shape)
