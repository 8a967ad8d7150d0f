"""Plots the notebooks share, one file per kind of picture.

Each function draws on ``ax`` (a new figure if None) and returns the axes (or the
figure, for grids), so a notebook can add titles or combine panels. Notebooks
call them as ``plots.<name>``; a new kind of picture gets its own file here and
a line below. Plot code imports heavy libraries (scikit-learn, torch) inside the
function that needs them, so ``import course_utils.plots`` stays cheap.

- :mod:`~course_utils.plots.style`       class colours, new axes
- :mod:`~course_utils.plots.boundaries`  decision boundaries of 2-D classifiers
- :mod:`~course_utils.plots.history`     training curves
- :mod:`~course_utils.plots.functions`   functions with their derivatives (activations)
- :mod:`~course_utils.plots.optimizers`  optimizer paths on a loss surface
- :mod:`~course_utils.plots.images`      image grids with labels and predictions
- :mod:`~course_utils.plots.graphs`      computation graphs (drawn or as Graphviz DOT) and network diagrams
- :mod:`~course_utils.plots.evaluation`  confusion-matrix heat maps, ROC curves
- :mod:`~course_utils.plots.latent`      2-D code spaces of autoencoders, grids of generated images
- :mod:`~course_utils.plots.attention`   attention-weight heat maps, the positional encoding (11)
"""

from course_utils.plots.attention import plot_attention, plot_attention_heads, plot_positional_encoding
from course_utils.plots.boundaries import plot_decision_boundary
from course_utils.plots.evaluation import plot_confusion_matrix, plot_roc_curve
from course_utils.plots.functions import plot_functions
from course_utils.plots.graphs import computation_graph_dot, draw_computation_graph, draw_graph
from course_utils.plots.history import plot_history
from course_utils.plots.images import show_images
from course_utils.plots.latent import plot_latent_space, show_image_grid
from course_utils.plots.optimizers import plot_optimizer_paths
from course_utils.plots.style import CLASS_COLORS

__all__ = [
    "CLASS_COLORS", "computation_graph_dot", "plot_attention", "plot_attention_heads", "plot_positional_encoding",
    "draw_computation_graph", "draw_graph",
    "plot_confusion_matrix", "plot_decision_boundary", "plot_functions",
    "plot_history", "plot_latent_space", "plot_optimizer_paths", "plot_roc_curve", "show_image_grid",
    "show_images",
]
