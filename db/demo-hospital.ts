import type { DoctorTitle } from "~/domain/vocabulary";
import type { Bilingual } from "./schema";

/** Everyone in the demo hospital signs in with this password. */
export const DEMO_PASSWORD = "yunzhen-demo-2026";

export const DEMO_ACCOUNTS = {
  patient: { email: "patient@yunzhen.example", displayName: "陈小明 Chen Xiaoming" },
  doctor: { email: "doctor@yunzhen.example" },
  staff: { email: "staff@yunzhen.example", displayName: "护士长 周红 Zhou Hong" },
  admin: { email: "admin@yunzhen.example", displayName: "系统管理员 Admin" },
} as const;

export const DEMO_DEPARTMENTS = [
  { code: "respiratory", nameZh: "呼吸内科", nameEn: "Respiratory Medicine" },
  { code: "infectious-diseases", nameZh: "感染科", nameEn: "Infectious Diseases" },
  { code: "cardiology", nameZh: "心血管内科", nameEn: "Cardiology" },
  { code: "paediatrics", nameZh: "儿科", nameEn: "Paediatrics" },
  { code: "dermatology", nameZh: "皮肤科", nameEn: "Dermatology" },
  { code: "psychology", nameZh: "心理咨询科", nameEn: "Psychological Counselling" },
] as const;

type DemoDoctor = {
  email: string;
  department: (typeof DEMO_DEPARTMENTS)[number]["code"];
  nameZh: string;
  nameEn: string;
  title: DoctorTitle;
  specialties: Bilingual[];
  languages: string[];
  bioZh: string;
  bioEn: string;
  minutes: number;
};

const s = (zh: string, en: string): Bilingual => ({ zh, en });

export const DEMO_DOCTORS: DemoDoctor[] = [
  {
    email: DEMO_ACCOUNTS.doctor.email,
    department: "respiratory",
    nameZh: "李明华",
    nameEn: "Li Minghua",
    title: "chief",
    specialties: [s("慢性咳嗽", "Chronic cough"), s("哮喘", "Asthma"), s("肺部感染", "Lung infections")],
    languages: ["zh", "en"],
    bioZh: "从事呼吸内科临床工作二十余年，擅长慢性咳嗽、哮喘和肺部感染的诊治。",
    bioEn: "Over twenty years in respiratory medicine; chronic cough, asthma and lung infections.",
    minutes: 15,
  },
  {
    email: "dr.wang.xiaoyan@yunzhen.example",
    department: "respiratory",
    nameZh: "王晓燕",
    nameEn: "Wang Xiaoyan",
    title: "attending",
    specialties: [s("慢阻肺", "COPD"), s("睡眠呼吸暂停", "Sleep apnoea")],
    languages: ["zh"],
    bioZh: "主治医师，长期随访慢阻肺患者。",
    bioEn: "Attending physician following patients with COPD over the long term.",
    minutes: 15,
  },
  {
    email: "dr.chen.zhiqiang@yunzhen.example",
    department: "respiratory",
    nameZh: "陈志强",
    nameEn: "Chen Zhiqiang",
    title: "associate_chief",
    specialties: [s("发热咳嗽", "Fever and cough"), s("肺结节", "Lung nodules")],
    languages: ["zh", "yue"],
    bioZh: "副主任医师，擅长发热门诊和肺结节随访。",
    bioEn: "Associate chief physician; fever clinic and follow-up of lung nodules.",
    minutes: 20,
  },
  {
    email: "dr.zhao.jianguo@yunzhen.example",
    department: "infectious-diseases",
    nameZh: "赵建国",
    nameEn: "Zhao Jianguo",
    title: "chief",
    specialties: [s("病毒性肝炎", "Viral hepatitis"), s("发热待查", "Fever of unknown origin")],
    languages: ["zh", "en"],
    bioZh: "感染科主任，参与多次公共卫生事件救治。",
    bioEn: "Head of Infectious Diseases; has led the clinic through several outbreaks.",
    minutes: 20,
  },
  {
    email: "dr.liu.ting@yunzhen.example",
    department: "infectious-diseases",
    nameZh: "刘婷",
    nameEn: "Liu Ting",
    title: "attending",
    specialties: [s("流感", "Influenza"), s("旅行医学", "Travel medicine")],
    languages: ["zh", "en"],
    bioZh: "主治医师，擅长呼吸道传染病和出行前咨询。",
    bioEn: "Attending physician; respiratory infections and advice before travel.",
    minutes: 15,
  },
  {
    email: "dr.sun.lixin@yunzhen.example",
    department: "cardiology",
    nameZh: "孙立新",
    nameEn: "Sun Lixin",
    title: "chief",
    specialties: [s("高血压", "Hypertension"), s("冠心病", "Coronary heart disease")],
    languages: ["zh"],
    bioZh: "心血管内科主任医师，专注高血压和冠心病的长期管理。",
    bioEn: "Chief physician; long-term care of hypertension and coronary heart disease.",
    minutes: 20,
  },
  {
    email: "dr.zhou.min@yunzhen.example",
    department: "cardiology",
    nameZh: "周敏",
    nameEn: "Zhou Min",
    title: "associate_chief",
    specialties: [s("心律失常", "Arrhythmia"), s("心衰随访", "Heart failure follow-up")],
    languages: ["zh", "en"],
    bioZh: "副主任医师，擅长心律失常诊治。",
    bioEn: "Associate chief physician; arrhythmia diagnosis and treatment.",
    minutes: 15,
  },
  {
    email: "dr.wu.jing@yunzhen.example",
    department: "paediatrics",
    nameZh: "吴静",
    nameEn: "Wu Jing",
    title: "associate_chief",
    specialties: [s("小儿发热", "Fever in children"), s("儿童哮喘", "Childhood asthma")],
    languages: ["zh", "en"],
    bioZh: "儿科副主任医师，耐心细致，擅长儿童呼吸道疾病。",
    bioEn: "Associate chief paediatrician; children's respiratory illness.",
    minutes: 15,
  },
  {
    email: "dr.zheng.hao@yunzhen.example",
    department: "paediatrics",
    nameZh: "郑浩",
    nameEn: "Zheng Hao",
    title: "resident",
    specialties: [s("儿童保健", "Child health checks"), s("喂养咨询", "Feeding advice")],
    languages: ["zh"],
    bioZh: "住院医师，负责儿童保健咨询。",
    bioEn: "Resident; child health and feeding advice.",
    minutes: 15,
  },
  {
    email: "dr.huang.li@yunzhen.example",
    department: "dermatology",
    nameZh: "黄丽",
    nameEn: "Huang Li",
    title: "attending",
    specialties: [s("湿疹", "Eczema"), s("痤疮", "Acne")],
    languages: ["zh", "en"],
    bioZh: "主治医师，擅长湿疹、痤疮的诊治。",
    bioEn: "Attending physician; eczema and acne.",
    minutes: 10,
  },
  {
    email: "dr.he.jun@yunzhen.example",
    department: "dermatology",
    nameZh: "何俊",
    nameEn: "He Jun",
    title: "associate_chief",
    specialties: [s("银屑病", "Psoriasis"), s("荨麻疹", "Urticaria")],
    languages: ["zh", "yue"],
    bioZh: "副主任医师，专注慢性皮肤病。",
    bioEn: "Associate chief physician; chronic skin disease.",
    minutes: 15,
  },
  {
    email: "dr.lin.yue@yunzhen.example",
    department: "psychology",
    nameZh: "林悦",
    nameEn: "Lin Yue",
    title: "attending",
    specialties: [s("焦虑", "Anxiety"), s("睡眠问题", "Sleep problems")],
    languages: ["zh", "en"],
    bioZh: "心理咨询师、主治医师，擅长焦虑和睡眠问题。",
    bioEn: "Counsellor and attending physician; anxiety and sleep problems.",
    minutes: 30,
  },
  {
    email: "dr.xu.siyuan@yunzhen.example",
    department: "psychology",
    nameZh: "徐思远",
    nameEn: "Xu Siyuan",
    title: "chief",
    specialties: [s("抑郁", "Depression"), s("压力管理", "Stress management")],
    languages: ["zh"],
    bioZh: "主任医师，从事心理咨询与治疗二十年。",
    bioEn: "Chief physician; twenty years of counselling and psychotherapy.",
    minutes: 30,
  },
];

/**
 * The patients of the demo day (the board's and the doctors' Today): accounts that sign in with the
 * demo password like every demo account, but are not documented. The demo patient above has only the
 * demo consultation, so that trying a call never meets a seeded appointment of theirs.
 */
export const DEMO_PATIENTS: { email: string; displayName: string }[] = [
  ["王芳", "Wang Fang"], ["李娜", "Li Na"], ["张伟", "Zhang Wei"], ["刘洋", "Liu Yang"],
  ["陈静", "Chen Jing"], ["杨磊", "Yang Lei"], ["赵丽", "Zhao Li"], ["黄勇", "Huang Yong"],
  ["周杰", "Zhou Jie"], ["吴秀英", "Wu Xiuying"], ["徐明", "Xu Ming"], ["孙倩", "Sun Qian"],
  ["胡军", "Hu Jun"], ["朱婷", "Zhu Ting"], ["高建华", "Gao Jianhua"], ["林晓红", "Lin Xiaohong"],
  ["何志刚", "He Zhigang"], ["郭丹", "Guo Dan"], ["马骏", "Ma Jun"], ["罗桂兰", "Luo Guilan"],
  ["梁宇", "Liang Yu"], ["宋佳", "Song Jia"], ["郑凯", "Zheng Kai"], ["谢雨桐", "Xie Yutong"],
  ["韩梅", "Han Mei"], ["唐鹏", "Tang Peng"], ["冯玉珍", "Feng Yuzhen"], ["于浩然", "Yu Haoran"],
  ["董秀兰", "Dong Xiulan"], ["萧子轩", "Xiao Zixuan"], ["程立", "Cheng Li"], ["曹雪", "Cao Xue"],
  ["袁超", "Yuan Chao"], ["邓淑芬", "Deng Shufen"], ["许文博", "Xu Wenbo"], ["傅晨", "Fu Chen"],
  ["沈佳怡", "Shen Jiayi"], ["曾国强", "Zeng Guoqiang"], ["彭丽华", "Peng Lihua"], ["吕欣怡", "Lyu Xinyi"],
  ["蒋涛", "Jiang Tao"], ["蔡晓燕", "Cai Xiaoyan"], ["贾宁", "Jia Ning"], ["丁建军", "Ding Jianjun"],
  ["魏敏", "Wei Min"], ["薛冰", "Xue Bing"], ["叶子豪", "Ye Zihao"], ["阎秀珍", "Yan Xiuzhen"],
].map(([zh, en]) => ({
  email: `pt.${en!.toLowerCase().replace(" ", ".")}@yunzhen.example`,
  displayName: `${zh} ${en}`,
}));

/** A visit of the demo day: the reason the patient gave and the consult note the doctor signed. */
export type DemoCase = {
  reason: string;
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  diagnosis: string;
  advice: string;
};

const both = (zh: string, en: string) => `${zh} · ${en}`;

/** Two everyday visits per department, in both languages (as the demo consultation's reason is). */
export const DEMO_CASES: Record<(typeof DEMO_DEPARTMENTS)[number]["code"], DemoCase[]> = {
  respiratory: [
    {
      reason: both("咳嗽两周，夜间加重", "Cough for two weeks, worse at night"),
      subjective: both("干咳两周，夜间明显，无发热，无咯血。", "Dry cough for two weeks, worse at night; no fever, no blood."),
      objective: both("视频下呼吸平稳，说话成句，无明显气促。", "Breathing calmly on video, speaks in full sentences, not breathless."),
      assessment: both("咳嗽变异性哮喘可能。", "Possible cough-variant asthma."),
      plan: both("预约肺功能检查；吸入糖皮质激素试验治疗两周。", "Lung function test; a two-week trial of an inhaled steroid."),
      diagnosis: both("慢性咳嗽", "Chronic cough"),
      advice: both("避免冷空气和烟雾，按时吸药，两周后复诊。", "Avoid cold air and smoke, use the inhaler daily, follow up in two weeks."),
    },
    {
      reason: both("发热咽痛三天", "Fever and sore throat for three days"),
      subjective: both("发热三天，最高38.6℃，咽痛，轻咳。", "Fever for three days up to 38.6 °C, sore throat, slight cough."),
      objective: both("咽部充血，无呼吸困难。", "Red throat, no difficulty breathing."),
      assessment: both("急性上呼吸道感染，病毒性可能大。", "Acute upper respiratory infection, most likely viral."),
      plan: both("对症治疗，暂不需要抗生素。", "Treat the symptoms; no antibiotics needed now."),
      diagnosis: both("急性上呼吸道感染", "Acute upper respiratory infection"),
      advice: both("多饮水、休息；体温超过39℃或出现气促请及时就医。", "Rest and drink plenty; seek care if above 39 °C or short of breath."),
    },
  ],
  "infectious-diseases": [
    {
      reason: both("体检发现乙肝表面抗原阳性", "Hepatitis B surface antigen positive at a check-up"),
      subjective: both("无乏力、食欲下降，无黄疸。", "No tiredness, no loss of appetite, no jaundice."),
      objective: both("皮肤巩膜无黄染。", "No yellowing of the skin or eyes."),
      assessment: both("慢性乙型肝炎病毒感染，需评估活动度。", "Chronic hepatitis B infection; activity to be assessed."),
      plan: both("查肝功能、HBV-DNA及肝脏超声。", "Liver function, HBV DNA and a liver ultrasound."),
      diagnosis: both("慢性乙型肝炎病毒携带", "Chronic hepatitis B carrier"),
      advice: both("戒酒，家人接种疫苗，三个月后复查。", "No alcohol; family members get vaccinated; recheck in three months."),
    },
    {
      reason: both("出国前咨询疫苗接种", "Vaccination advice before travelling abroad"),
      subjective: both("下月赴东南亚出差两周。", "Two-week business trip to South-East Asia next month."),
      objective: both("既往疫苗接种记录已核对。", "Vaccination record reviewed."),
      assessment: both("旅行前健康咨询。", "Health advice before travel."),
      plan: both("建议接种甲肝疫苗和伤寒疫苗。", "Hepatitis A and typhoid vaccines recommended."),
      diagnosis: both("旅行前咨询", "Pre-travel consultation"),
      advice: both("注意饮食饮水卫生，做好防蚊措施。", "Take care with food and water; protect yourself from mosquitoes."),
    },
  ],
  cardiology: [
    {
      reason: both("血压控制不佳，偶有头晕", "Blood pressure poorly controlled, occasional dizziness"),
      subjective: both("家庭血压150/95左右，偶有晨起头晕。", "Home readings around 150/95, some dizziness on waking."),
      objective: both("患者提供一周血压记录。", "One week of home readings provided."),
      assessment: both("原发性高血压，目前控制欠佳。", "Essential hypertension, not yet controlled."),
      plan: both("调整降压药剂量，低盐饮食。", "Adjust the dose of the blood pressure medicine; low-salt diet."),
      diagnosis: both("原发性高血压", "Essential hypertension"),
      advice: both("每天早晚测血压并记录，四周后复诊。", "Measure morning and evening and write it down; follow up in four weeks."),
    },
    {
      reason: both("心慌一周", "Palpitations for a week"),
      subjective: both("阵发性心慌，每次数分钟，无胸痛晕厥。", "Episodes of palpitations lasting minutes; no chest pain, no fainting."),
      objective: both("视频下一般情况好。", "Looks well on video."),
      assessment: both("心悸待查，需排除心律失常。", "Palpitations; an arrhythmia to be ruled out."),
      plan: both("24小时动态心电图，甲状腺功能。", "24-hour Holter monitor and thyroid function."),
      diagnosis: both("心悸待查", "Palpitations under investigation"),
      advice: both("减少咖啡和浓茶，如出现胸痛或晕厥立即就医。", "Less coffee and strong tea; seek care at once for chest pain or fainting."),
    },
  ],
  paediatrics: [
    {
      reason: both("孩子发热一天，最高38.5℃", "Child with a fever for a day, up to 38.5 °C"),
      subjective: both("五岁，发热一天，精神尚可，进食正常。", "Five years old, fever for a day, playful, eating normally."),
      objective: both("视频下精神好，无皮疹。", "Alert on video, no rash."),
      assessment: both("急性上呼吸道感染。", "Acute upper respiratory infection."),
      plan: both("体温超过38.5℃时服用退热药。", "Fever medicine above 38.5 °C."),
      diagnosis: both("急性上呼吸道感染（儿童）", "Acute upper respiratory infection (child)"),
      advice: both("多喝水；持续高热超过三天或精神差请线下就诊。", "Plenty to drink; see a doctor in person if the fever lasts over three days or the child is listless."),
    },
    {
      reason: both("孩子夜间咳嗽、喘息", "Child coughing and wheezing at night"),
      subjective: both("七岁，近两周夜间咳嗽伴喘息，运动后加重。", "Seven years old, two weeks of night cough and wheeze, worse after exercise."),
      objective: both("说话时无明显气促。", "Not breathless while talking."),
      assessment: both("儿童哮喘，控制不佳。", "Childhood asthma, not well controlled."),
      plan: both("吸入药物规律使用，配合储雾罐。", "Regular inhaled medicine with a spacer."),
      diagnosis: both("儿童哮喘", "Childhood asthma"),
      advice: both("远离烟雾和宠物毛发，一个月后复诊。", "Keep away from smoke and pet hair; follow up in a month."),
    },
  ],
  dermatology: [
    {
      reason: both("手臂湿疹反复发作", "Eczema on the arms keeps coming back"),
      subjective: both("双前臂瘙痒性皮疹半年，反复发作。", "Itchy rash on both forearms for six months, on and off."),
      objective: both("照片示前臂红斑、脱屑。", "Photos show red, scaly patches on the forearms."),
      assessment: both("特应性皮炎。", "Atopic dermatitis."),
      plan: both("外用弱效激素两周，加强保湿。", "A mild steroid cream for two weeks; moisturise well."),
      diagnosis: both("特应性皮炎", "Atopic dermatitis"),
      advice: both("避免热水烫洗，穿棉质衣物。", "Avoid hot water; wear cotton."),
    },
    {
      reason: both("面部痤疮加重", "Acne on the face getting worse"),
      subjective: both("面部痘痘三个月，近期加重。", "Spots on the face for three months, worse lately."),
      objective: both("照片示面颊炎性丘疹。", "Photos show inflamed papules on the cheeks."),
      assessment: both("寻常痤疮，中度。", "Moderate acne vulgaris."),
      plan: both("外用维A酸类药物，夜间使用。", "A topical retinoid at night."),
      diagnosis: both("寻常痤疮", "Acne vulgaris"),
      advice: both("不要挤压，注意防晒，八周后复诊。", "Do not squeeze; use sun protection; follow up in eight weeks."),
    },
  ],
  psychology: [
    {
      reason: both("入睡困难一个月", "Trouble falling asleep for a month"),
      subjective: both("入睡需一小时以上，白天疲倦。", "Takes over an hour to fall asleep; tired during the day."),
      objective: both("情绪平稳，交流顺畅。", "Calm mood, talks easily."),
      assessment: both("失眠，与工作压力相关。", "Insomnia related to work stress."),
      plan: both("睡眠卫生指导，放松训练。", "Sleep hygiene and relaxation exercises."),
      diagnosis: both("失眠障碍", "Insomnia"),
      advice: both("固定作息，睡前一小时不看手机，两周后复诊。", "Regular hours, no phone in the hour before bed, follow up in two weeks."),
    },
    {
      reason: both("工作压力大，经常焦虑", "Work stress and frequent anxiety"),
      subjective: both("近三个月紧张、担心，偶有心慌。", "Tense and worried for three months, sometimes palpitations."),
      objective: both("焦虑自评量表中度。", "Moderate score on the anxiety questionnaire."),
      assessment: both("焦虑状态。", "Anxiety."),
      plan: both("认知行为治疗，每周一次。", "Weekly cognitive behavioural therapy."),
      diagnosis: both("焦虑状态", "Anxiety"),
      advice: both("每天运动半小时，记录情绪变化。", "Half an hour of exercise a day; keep a mood diary."),
    },
  ],
};
