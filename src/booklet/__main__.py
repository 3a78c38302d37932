from booklet.cli import main

raise SystemExit(main())
