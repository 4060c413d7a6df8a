// The entry point is `BenchCommand` itself (`@main` there); see Sources/mitten/MittenMain.swift
// for why NIO is not installed as the global executor.
