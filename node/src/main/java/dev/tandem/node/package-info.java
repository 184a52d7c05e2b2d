package dev.tandem.node;
