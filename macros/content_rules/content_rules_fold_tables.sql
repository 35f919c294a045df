{#-
    Static Unicode folding tables for the content-rule normaliser (generated once, see docs/content_rules.md).
    NFKC-like: full-width ASCII -> ASCII (letters straight to lowercase), circled / parenthesised / dotted /
    negative-circled digits -> digits, enclosed letters -> letters, super/subscript and mathematical digits
    -> digits, ideographic full stop / space and curly quotes -> ASCII. Policy-owned variant characters
    (traditional -> simplified, look-alikes) are not here: they come from the content_rule_char_variants seed.
-#}

{% macro cr_fold_common_pairs() -%}
    {#- (from, to) pairs present in almost every Chinese message: cheap replace() calls, no guard -#}
    {{ return([("，", ","), ("！", "!"), ("？", "?"), ("：", ":"), ("；", ";"), ("（", "("), ("）", ")"), ("。", "."), ("　", " "), ("～", "~")]) }}
{%- endmacro %}

{% macro cr_fold_rare_from() -%}
    {{ return("＂＃＄％＆＇＊＋－．／０１２３４５６７８９＜＝＞＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝￥￠｡․﹒‘’“”·・⓪⓿⓾①②③④⑤⑥⑦⑧⑨⑴⑵⑶⑷⑸⑹⑺⑻⑼⒈⒉⒊⒋⒌⒍⒎⒏⒐⓵⓶⓷⓸⓹⓺⓻⓼⓽❶❷❸❹❺❻❼❽❾➀➁➂➃➄➅➆➇➈➊➋➌➍➎➏➐➑➒ⒶⒷⒸⒹⒺⒻⒼⒽⒾⒿⓀⓁⓂⓃⓄⓅⓆⓇⓈⓉⓊⓋⓌⓍⓎⓏⓐⓑⓒⓓⓔⓕⓖⓗⓘⓙⓚⓛⓜⓝⓞⓟⓠⓡⓢⓣⓤⓥⓦⓧⓨⓩ⒜⒝⒞⒟⒠⒡⒢⒣⒤⒥⒦⒧⒨⒩⒪⒫⒬⒭⒮⒯⒰⒱⒲⒳⒴⒵⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗𝟘𝟙𝟚𝟛𝟜𝟝𝟞𝟟𝟠𝟡") }}
{%- endmacro %}

{% macro cr_fold_rare_to() -%}
    {{ return("\"#$%&''*+-./0123456789<=>@abcdefghijklmnopqrstuvwxyz[\\]^_`abcdefghijklmnopqrstuvwxyz{|}¥$...''''\"\"..000123456789123456789123456789123456789123456789123456789123456789abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789012345678901234567890123456789") }}
{%- endmacro %}

{% macro cr_fold_tens() -%}
    {#-
        circled numbers 10-19 (⑩-⑲, ❿ ➉ ➓ = 10): the normaliser writes a '1' before them, then the
        translate map turns the character itself into its last digit; ⑳ is replaced by '20'.
    -#}
    {{ return({'tens_class': '⑩-⑲❿➉➓', 'from': '⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲❿➉➓', 'to': '0123456789000', 'twenty': '⑳'}) }}
{%- endmacro %}
