package dev.tandem.systemtests;
