from companion.cli import main

# The guard matters: the import worker's process is started with "spawn", which imports this
# module again (as __mp_main__) and must not run the command a second time.
if __name__ == "__main__":
    raise SystemExit(main())
