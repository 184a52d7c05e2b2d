package dev.tandem.failover;
