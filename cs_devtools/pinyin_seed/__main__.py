"""`python -m cs_devtools.pinyin_seed`: regenerate seeds/content_rules/content_rule_pinyin.csv."""

from cs_devtools.pinyin_seed import main

raise SystemExit(main())
