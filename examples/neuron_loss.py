import torch

# %% A neuron's inputs and parameters
x = torch.tensor(2.0)
y = torch.tensor(1.0)
w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)

# %% Forward: the squared loss
loss = (torch.sigmoid(w * x + b) - y) ** 2
print(loss)

# %% Backward: every gradient
loss.backward()
print(w.grad, b.grad)
