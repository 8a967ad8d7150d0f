"""Models the notebooks use but do not build themselves.

- :mod:`~course_utils.models.pretrained`  ImageNet-pretrained EfficientNet-Lite0 offline, ImageNet class
  names, the Keras weights check, and a tiny stand-in with EfficientNet-Lite's layout (05)
- :mod:`~course_utils.models.probes`      objects test cells hand to student code with ``checks.build``:
  seeded models with probes, a plain optimizer, a built Keras layer (03, 05, 09)
- :mod:`~course_utils.models.sentence_encoder` all-MiniLM-L6-v2 offline with sentence-transformers, its files
  verified by SHA-256, and a checksummed cache of sentence embeddings (08)
- :mod:`~course_utils.models.graph_nodes` plain named graph nodes for graph exercises (09)
- :mod:`~course_utils.models.generative`  MLP autoencoder, VAE, and the GAN's generator and discriminator (10)
- :mod:`~course_utils.models.fashion_classifier` module 04's CNN trained (or loaded from the cache) to judge
  generated Fashion-MNIST images (10)
- :mod:`~course_utils.models.diffusion`   a tiny denoising diffusion model for 2-D points (10)
- :mod:`~course_utils.models.recurrent`   the read-then-write LSTM, the recurrent baseline on toy sequence tasks (11)
- :mod:`~course_utils.models.keras_attention` a Keras ``MultiHeadAttention`` with a PyTorch layer's weights (11)
- :mod:`~course_utils.models.encoder_attention` tokens, attention maps and layer projections of the sentence
  encoder (11)

Notebooks import the modules (``from course_utils.models import pretrained, probes``);
nothing here is imported with the package, because most of these modules need PyTorch.
A new model family gets its own file here.
"""
