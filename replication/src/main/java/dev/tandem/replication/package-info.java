package dev.tandem.replication;
