import torch

a = torch.zeros(3, 3)
d = a.diagonal()
d.fill_(1.0)
col = a[:, 2]
col.mul_(4.0)
print(a)
