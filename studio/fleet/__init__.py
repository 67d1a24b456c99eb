"""The studio's side of the receiver fleet: its key and counters (keys), the signed client
(client), publish, the delivery engine (delivery) and the receivers table (fleet). The
protocol itself is `crs_protocol`; the reference receiver is `crs_receiver`."""
