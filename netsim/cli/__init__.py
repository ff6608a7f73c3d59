"""Text -> model calls: the commands a student types (ip, bridge, brctl, ping, sysctl...).

Nothing here touches frames: commands read and change the model through its
methods, and format what they find exactly as the real tools print it.
"""
