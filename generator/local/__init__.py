"""The local AWS emulator (a moto server on loopback) and ``bluegreen up``, which deploys onto it."""
