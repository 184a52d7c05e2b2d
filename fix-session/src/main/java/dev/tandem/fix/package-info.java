package dev.tandem.fix;
