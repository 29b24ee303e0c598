"""The Qt window of Autoencoder Lab; the engine never imports anything from here."""
